import { appendFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { copyProject, runScript, type ScriptResult } from './helpers/project.js'

type LintResult = ScriptResult

/** Runs scripts/lint-sql.ts in `dir`. */
async function runSqlLint (dir: string): Promise<LintResult> {
  return await runScript(dir, 'scripts/lint-sql.ts')
}

/** Returns the line number, counted from 1, of the first line of `text` that contains `needle`. */
function lineOf (text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1
}

/**
 * Writes `sql` as queries/extra.sql in a copy of the project, runs the SQL
 * lint there, and returns the result with the finding lines for extra.sql.
 */
async function lintExtraQueries (t: Test, sql: string): Promise<LintResult & { findings: string[] }> {
  const dir = await copyProject(t)
  await writeFile(join(dir, 'queries', 'extra.sql'), sql)
  const result = await runSqlLint(dir)
  const findings = result.stdout.split('\n').filter((line) => line.startsWith('queries/extra.sql:'))
  return { ...result, findings }
}

t.test('SQL lint', async (t) => {
  t.test('repository files pass', async (t) => {
    const dir = await copyProject(t)
    const result = await runSqlLint(dir)
    t.equal(result.code, 0, 'exits with code 0')
    t.match(result.stdout, /^SQL lint: no problems in schema\.sql and \d+ query files\n$/, 'prints only the summary')
    t.equal(result.stderr, '', 'writes nothing to stderr')
  })

  t.test('clean query passes', async (t) => {
    const result = await lintExtraQueries(t, [
      '/* @name countBooksByTags */',
      'SELECT count(*) AS "count!" FROM books WHERE tags @> :tags! AND author_id = :authorId!;',
      ''
    ].join('\n'))
    t.equal(result.code, 0, 'exits with code 0')
    t.same(result.findings, [], 'reports nothing for extra.sql')
  })

  t.test('star inside EXISTS passes', async (t) => {
    const result = await lintExtraQueries(t, [
      '/* @name authorsWithBooks */',
      'SELECT a.id, a.name FROM authors a WHERE EXISTS (SELECT * FROM books b WHERE b.author_id = a.id);',
      ''
    ].join('\n'))
    t.equal(result.code, 0, 'exits with code 0')
    t.same(result.findings, [], 'reports nothing for extra.sql')
  })

  t.test('SELECT * fails naming query', async (t) => {
    const sql = [
      '/* @name getAuthorRow */',
      'SELECT *',
      'FROM authors',
      'WHERE id = :id!;',
      ''
    ].join('\n')
    const result = await lintExtraQueries(t, sql)
    t.equal(result.code, 1, 'exits with code 1')
    t.equal(result.findings.length, 1, 'reports one finding')
    t.match(result.findings[0], `queries/extra.sql:${lineOf(sql, 'SELECT *')}: query getAuthorRow: `, 'names file, line of the star and query')
    t.match(result.findings[0], '`SELECT *`', 'names the pattern')
    t.match(result.stderr, /SQL lint: found 1 problem, listed above, after checking schema\.sql and \d+ query files/, 'prints the count')
  })

  t.test('nested b.* fails naming query', async (t) => {
    const sql = [
      '/* @name listBookTitles */',
      'SELECT id, title FROM (',
      '  SELECT b.* FROM books AS b',
      ') AS book WHERE id > :afterId!;',
      ''
    ].join('\n')
    const result = await lintExtraQueries(t, sql)
    t.equal(result.code, 1, 'exits with code 1')
    t.equal(result.findings.length, 1, 'reports one finding')
    t.match(result.findings[0], `queries/extra.sql:${lineOf(sql, 'b.*')}: query listBookTitles: `, 'names file, line of the star and query')
    t.match(result.findings[0], '`SELECT b.*`', 'names the qualified star')
  })

  t.test('UPDATE without WHERE fails', async (t) => {
    const sql = [
      '/* @name renameEveryone */',
      'UPDATE authors',
      'SET name = :name!',
      'RETURNING id;',
      ''
    ].join('\n')
    const result = await lintExtraQueries(t, sql)
    t.equal(result.code, 1, 'exits with code 1')
    t.equal(result.findings.length, 1, 'reports one finding')
    t.match(result.findings[0], `queries/extra.sql:${lineOf(sql, 'UPDATE')}: query renameEveryone: `, 'names file, line and query')
    t.match(result.findings[0], 'UPDATE without WHERE changes every row of authors', 'explains the problem')
  })

  t.test('DELETE without WHERE fails', async (t) => {
    const sql = [
      '/* @name firstQuery */',
      'SELECT id FROM books WHERE id = :id!;',
      '',
      '/* @name deleteAllBooks */',
      'DELETE FROM books;',
      ''
    ].join('\n')
    const result = await lintExtraQueries(t, sql)
    t.equal(result.code, 1, 'exits with code 1')
    t.equal(result.findings.length, 1, 'reports one finding')
    t.match(result.findings[0], `queries/extra.sql:${lineOf(sql, 'DELETE')}: query deleteAllBooks: `, 'names file, line and query')
    t.match(result.findings[0], 'DELETE without WHERE deletes every row of books', 'explains the problem')
  })

  t.test('squawk finding in schema fails', async (t) => {
    const dir = await copyProject(t)
    const schema = join(dir, 'schema.sql')
    await appendFile(schema, '\nCREATE TABLE reviews (id bigint PRIMARY KEY, written_at timestamp NOT NULL);\n')
    const result = await runSqlLint(dir)
    t.equal(result.code, 1, 'exits with code 1')
    t.match(result.stdout, /^schema\.sql:\d+: prefer-timestamp-tz: /m, 'reports the rule with file and line')
  })
})
