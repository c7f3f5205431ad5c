import { existsSync } from 'node:fs'
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { createTestDatabase } from './helpers/database.js'
import { copyProject, root, runGen } from './helpers/gen-project.js'

t.test('gen script', async (t) => {
  const databaseUrl = await createTestDatabase(t)
  const expected = await readFile(join(root, 'generated', 'authors.queries.ts'))

  t.test('unchanged queries keep output', async (t) => {
    const dir = await copyProject(t)
    const result = await runGen(dir, databaseUrl)
    t.equal(result.code, 0, 'exits with code 0')
    const actual = await readFile(join(dir, 'generated', 'authors.queries.ts'))
    t.ok(actual.equals(expected), 'authors.queries.ts is byte-identical to the repository')
  })

  t.test('deleted output regenerates identically', async (t) => {
    const dir = await copyProject(t)
    await rm(join(dir, 'generated', 'authors.queries.ts'))
    const result = await runGen(dir, databaseUrl)
    t.equal(result.code, 0, 'exits with code 0')
    t.match(result.stdout, /Saved \d+ query types from queries\/authors\.sql/, 'reports the saved file')
    const path = join(dir, 'generated', 'authors.queries.ts')
    t.ok(existsSync(path), 'authors.queries.ts is written')
    t.ok(existsSync(path) && (await readFile(path)).equals(expected), 'authors.queries.ts is byte-identical to the repository')
  })

  t.test('missing column fails naming query', async (t) => {
    const dir = await copyProject(t)
    const sqlPath = join(dir, 'queries', 'authors.sql')
    await appendFile(sqlPath, '\n/* @name brokenQuery */\nSELECT id, no_such_column FROM authors WHERE id = :id!;\n')
    const nameLine = (await readFile(sqlPath, 'utf8')).split('\n').findIndex((line) => line.includes('@name brokenQuery')) + 1

    const result = await runGen(dir, databaseUrl)
    t.equal(result.code, 1, 'exits with code 1')
    t.match(result.output, /queries\/authors\.sql/, 'names the SQL file')
    // pgtyped reports the name in PascalCase ("BrokenQuery").
    t.match(result.output, /brokenQuery/i, 'names the query')
    t.match(result.output, /column "no_such_column" does not exist/, 'includes the database message')
    const summary = /queries\/authors\.sql:(\d+): query brokenQuery: column "no_such_column" does not exist/i.exec(result.stderr)
    t.ok(summary, 'summary line has file, line, query and message')
    t.equal(Number(summary?.[1]), nameLine, 'summary points at the @name line')
    const generated = await readFile(join(dir, 'generated', 'authors.queries.ts'))
    t.ok(generated.equals(expected), 'authors.queries.ts is left unchanged')
  })

  t.test('extra SQL file added then removed', async (t) => {
    const dir = await copyProject(t)
    const sqlPath = join(dir, 'queries', 'extra.sql')
    const generatedPath = join(dir, 'generated', 'extra.queries.ts')
    await writeFile(sqlPath, [
      '/* @name findAuthorsByName */',
      'SELECT id, name, created_at AS "createdAt" FROM authors WHERE name = :name!;',
      ''
    ].join('\n'))

    const added = await runGen(dir, databaseUrl)
    t.equal(added.code, 0, 'first run exits with code 0')
    t.ok(existsSync(generatedPath), 'extra.queries.ts is written')
    const source = existsSync(generatedPath) ? await readFile(generatedPath, 'utf8') : ''
    t.match(source, /export interface IFindAuthorsByNameParams \{\s*name: string;\s*\}/, 'declares the params interface')
    const result = /export interface IFindAuthorsByNameResult \{([^}]*)\}/.exec(source)?.[1] ?? ''
    t.match(result, /\bid: number;/, 'result has id as number')
    t.match(result, /\bname: string;/, 'result has name as string')
    t.match(result, /\bcreatedAt: Date;/, 'result has createdAt as Date')
    t.match(source, /export const findAuthorsByName = new PreparedQuery<IFindAuthorsByNameParams,\s*IFindAuthorsByNameResult>/, 'exports the prepared query')

    await rm(sqlPath)
    const removed = await runGen(dir, databaseUrl)
    t.equal(removed.code, 0, 'second run exits with code 0')
    t.notOk(existsSync(generatedPath), 'extra.queries.ts is deleted')
    t.match(removed.stdout, /Removed generated\/extra\.queries\.ts/, 'reports the deletion')
    const authors = await readFile(join(dir, 'generated', 'authors.queries.ts'))
    t.ok(authors.equals(expected), 'authors.queries.ts is kept unchanged')
  })
})

t.test('gen check', async (t) => {
  const databaseUrl = await createTestDatabase(t)

  t.test('up-to-date tree passes', async (t) => {
    const dir = await copyProject(t)
    const result = await runGen(dir, databaseUrl, ['--check'])
    t.equal(result.code, 0, 'exits with code 0')
    t.match(result.stdout, /generated\/ is up to date \(2 files\)/, 'reports the file count')
  })

  t.test('changed query names stale file', async (t) => {
    const dir = await copyProject(t)
    const sqlPath = join(dir, 'queries', 'authors.sql')
    const sql = await readFile(sqlPath, 'utf8')
    await writeFile(sqlPath, sql.replace('/* @name getAuthor */\nSELECT id, name,', '/* @name getAuthor */\nSELECT id, upper(name) AS "name!",'))
    const before = await readFile(join(dir, 'generated', 'authors.queries.ts'))

    const result = await runGen(dir, databaseUrl, ['--check'])
    t.equal(result.code, 1, 'exits with code 1')
    t.match(result.stderr, /generated\/authors\.queries\.ts is stale/, 'names the stale file')
    t.notMatch(result.stderr, /books\.queries\.ts/, 'does not name the up-to-date file')
    t.match(result.stderr, /run `just gen`/, 'says how to fix it')
    const after = await readFile(join(dir, 'generated', 'authors.queries.ts'))
    t.ok(after.equals(before), 'leaves generated/authors.queries.ts untouched')
  })

  t.test('missing and orphaned files named', async (t) => {
    const dir = await copyProject(t)
    await writeFile(join(dir, 'queries', 'extra.sql'), '/* @name countAuthors */\nSELECT count(*) AS "total!" FROM authors;\n')
    await rm(join(dir, 'queries', 'books.sql'))

    const result = await runGen(dir, databaseUrl, ['--check'])
    t.equal(result.code, 1, 'exits with code 1')
    t.match(result.stderr, /generated\/extra\.queries\.ts is missing/, 'names the missing file')
    t.match(result.stderr, /generated\/books\.queries\.ts is orphaned/, 'names the orphaned file')
    t.notOk(existsSync(join(dir, 'generated', 'extra.queries.ts')), 'writes no file into generated/')
    t.ok(existsSync(join(dir, 'generated', 'books.queries.ts')), 'deletes no file from generated/')
  })

  t.test('invalid query fails the check', async (t) => {
    const dir = await copyProject(t)
    await appendFile(join(dir, 'queries', 'authors.sql'), '\n/* @name brokenQuery */\nSELECT nope FROM authors;\n')
    const result = await runGen(dir, databaseUrl, ['--check'])
    t.equal(result.code, 1, 'exits with code 1')
    t.match(result.stderr, /queries\/authors\.sql:\d+: query brokenQuery: column "nope" does not exist/, 'names file, line, query and message')
  })
})
