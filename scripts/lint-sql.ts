// Lints the project's SQL, prints each finding as `file:line: message` and
// exits 1 when there is one. Which tool checks what:
//
// - schema.sql: squawk, a Postgres linter, with the settings and the
//   disabled rules in .squawk.toml.
// - queries/*.sql: pgtyped's parser reads the annotated queries and turns
//   each into plain SQL with $1, $2, ... placeholders, as pgtyped does before
//   it sends a query to Postgres. Then:
//   - libpg-query, the Postgres parser compiled to WebAssembly, reports
//     syntax errors;
//   - squawk runs its rules that apply to queries, such as duplicate
//     assignments in UPDATE;
//   - this script walks libpg-query's syntax tree for `*` in a select list
//     or RETURNING (`t.*` and subqueries included), and for UPDATE and
//     DELETE without WHERE. squawk has no such rules. sqlfluff has a
//     `SELECT *` rule but needs Python, while `npm ci` installs everything
//     this script uses.
//
// Findings in queries read `queries/x.sql:LINE: query NAME: message`, where
// LINE is the line of the offending clause.

import { spawn } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseSQLFile, queryASTToIR, type SQLQueryAST } from '@pgtyped/parser'
import { processSQLQueryIR } from '@pgtyped/runtime'
import { hasSqlDetails, loadModule, parseSync, type ColumnRef, type DeleteStmt, type UpdateStmt } from 'libpg-query'

const root = dirname(dirname(fileURLToPath(import.meta.url)))

/** One annotated query as plain SQL, placed at its lines in the file. */
interface PlainQuery {
  name: string
  firstLine: number
  lastLine: number
  /** Newlines for the lines before the query, then the query with $n placeholders. */
  sql: string
}

/** A finding in one query, at a byte offset of its `sql`. */
interface QueryFinding {
  offset: number
  message: string
}

/** One entry of squawk's JSON report. */
interface SquawkFinding {
  line: number
  rule_name: string
  message: string
  help: string | null
}

/**
 * Runs squawk on `sql`, given on stdin and reported under the name `file`.
 * squawk counts lines from 0, and the returned lines count from 1.
 */
async function runSquawk (file: string, sql: string): Promise<SquawkFinding[]> {
  const bin = join(root, 'node_modules', '.bin', 'squawk')
  const args = ['--config', join(root, '.squawk.toml'), '--reporter', 'json', '--stdin-filepath', file]
  const child = spawn(bin, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  child.stdin.end(sql)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })

  // squawk exits 1 when it reports a finding, and with other codes when it fails.
  if ((code !== 0 && code !== 1) || !stdout.trimStart().startsWith('[')) {
    throw new Error(`squawk failed on ${file} (exit code ${code}): ${stderr.trim() || stdout.trim()}`)
  }
  const findings = JSON.parse(stdout) as SquawkFinding[]
  return findings.map((finding) => ({ ...finding, line: finding.line + 1 }))
}

function formatSquawk (finding: SquawkFinding): string {
  const help = finding.help === null ? '' : ` ${finding.help}`
  return `${finding.rule_name}: ${finding.message}${help}`
}

/** Converts a byte offset in `sql`, as libpg-query reports it, to a line number counted from 1. */
function lineAt (sql: string, byteOffset: number): number {
  const before = Buffer.from(sql).subarray(0, byteOffset).toString()
  return before.split('\n').length
}

/** Converts a query to plain SQL, padded with newlines so that its line numbers are the file's. */
function toPlainQuery (query: SQLQueryAST): PlainQuery {
  const { query: body } = processSQLQueryIR(queryASTToIR(query))
  const { line, col } = query.statement.loc
  const sql = '\n'.repeat(line - 1) + ' '.repeat(col) + body
  return { name: query.name, firstLine: line, lastLine: sql.split('\n').length, sql }
}

/** Returns a star column as written (`*` or `b.*`), or undefined for any other column. */
function starText (columnRef: ColumnRef): string | undefined {
  const fields = columnRef.fields ?? []
  const last = fields.at(-1)
  if (last === undefined || !('A_Star' in last)) {
    return undefined
  }
  const qualifiers = fields.slice(0, -1).map((field) => ('String' in field ? field.String.sval : undefined) ?? '?')
  return [...qualifiers, '*'].join('.')
}

function checkWhere (kind: 'UpdateStmt' | 'DeleteStmt', statement: UpdateStmt | DeleteStmt): QueryFinding[] {
  if (statement.whereClause !== undefined) {
    return []
  }
  const table = statement.relation?.relname ?? 'the table'
  const [keyword, effect] = kind === 'UpdateStmt' ? ['UPDATE', 'changes'] : ['DELETE', 'deletes']
  return [{
    offset: statement.relation?.location ?? 0,
    message: `${keyword} without WHERE ${effect} every row of ${table}. Add a WHERE clause, or \`WHERE true\` if that is intended.`
  }]
}

interface ExistsSubLink {
  subLinkType: 'EXISTS_SUBLINK'
  subselect: { SelectStmt: Record<string, unknown> }
}

function isExistsWithSelect (value: unknown): value is ExistsSubLink {
  const subLink = value as Partial<ExistsSubLink> | null
  return subLink?.subLinkType === 'EXISTS_SUBLINK' && typeof subLink.subselect?.SelectStmt === 'object'
}

/**
 * Walks a libpg-query syntax tree for every star column and every UPDATE or
 * DELETE without WHERE, at any depth. `clause` names the list the walk is
 * in, SELECT or RETURNING, for the message.
 */
function findDangerousPatterns (node: unknown, clause = 'SELECT'): QueryFinding[] {
  if (typeof node !== 'object' || node === null) {
    return []
  }
  if (Array.isArray(node)) {
    return node.flatMap((item) => findDangerousPatterns(item, clause))
  }
  const findings: QueryFinding[] = []
  for (const [key, value] of Object.entries(node)) {
    if (key === 'ColumnRef') {
      const columnRef = value as ColumnRef
      const star = starText(columnRef)
      if (star !== undefined) {
        findings.push({
          offset: columnRef.location ?? 0,
          message: `\`${clause} ${star}\` returns whatever columns the table has today. List the columns the query needs.`
        })
      }
    }
    if (key === 'UpdateStmt' || key === 'DeleteStmt') {
      findings.push(...checkWhere(key, value as UpdateStmt | DeleteStmt))
    }
    if (key === 'SubLink' && isExistsWithSelect(value)) {
      // EXISTS ignores the columns of its subquery, so `EXISTS (SELECT * ...)`
      // is harmless: walk the subquery without its select list.
      const { targetList: _ignored, ...rest } = value.subselect.SelectStmt
      findings.push(...findDangerousPatterns(rest, clause))
      continue
    }
    let childClause = clause
    if (key === 'targetList') {
      childClause = 'SELECT'
    } else if (key === 'returningClause' || key === 'returningList') {
      childClause = 'RETURNING'
    }
    findings.push(...findDangerousPatterns(value, childClause))
  }
  return findings
}

/**
 * Runs squawk once on all of a file's queries that Postgres can parse, each
 * at its own lines and the rest blank. squawk's syntax errors are dropped
 * because squawk has a parser of its own, and Postgres's parser has already
 * accepted these queries.
 */
async function squawkQueries (file: string, queries: PlainQuery[]): Promise<string[]> {
  const lines: Array<string | undefined> = []
  for (const query of queries) {
    const queryLines = query.sql.split('\n')
    for (let index = query.firstLine - 1; index < queryLines.length; index++) {
      lines[index] = queryLines[index]
    }
    lines[query.lastLine - 1] = `${lines[query.lastLine - 1] ?? ''};`
  }
  const input = Array.from(lines, (text) => text ?? '').join('\n') + '\n'

  const findings: string[] = []
  for (const finding of await runSquawk(file, input)) {
    if (finding.rule_name === 'syntax-error') {
      continue
    }
    const query = queries.find((candidate) => candidate.firstLine <= finding.line && finding.line <= candidate.lastLine)
    findings.push(`${file}:${finding.line}: query ${query?.name ?? '(none)'}: ${formatSquawk(finding)}`)
  }
  return findings
}

/** Lints one file of annotated queries and returns its findings, ordered by line. */
async function lintQueryFile (file: string): Promise<string[]> {
  const { queries, events } = parseSQLFile(readFileSync(join(root, file), 'utf8'))
  const findings = events.map((event) => `${file}:${event.location?.line ?? 1}: ${event.message.text}`)

  const parsedQueries: PlainQuery[] = []
  for (const query of queries.map(toPlainQuery)) {
    const report = (offset: number, message: string): void => {
      findings.push(`${file}:${lineAt(query.sql, offset)}: query ${query.name}: ${message}`)
    }
    try {
      const tree = parseSync(query.sql)
      parsedQueries.push(query)
      for (const { offset, message } of findDangerousPatterns(tree)) {
        report(offset, message)
      }
    } catch (error) {
      if (!hasSqlDetails(error) || error.sqlDetails === undefined) {
        throw error
      }
      report(error.sqlDetails.cursorPosition, error.sqlDetails.message)
    }
  }
  findings.push(...await squawkQueries(file, parsedQueries))

  // squawk repeats a finding for each position on a line, such as both
  // assignments of one column.
  const lineOf = (finding: string): number => Number(/^[^:]*:(\d+):/.exec(finding)?.[1] ?? 0)
  return [...new Set(findings)].sort((a, b) => lineOf(a) - lineOf(b))
}

async function lintSchema (file: string): Promise<string[]> {
  const findings = await runSquawk(file, readFileSync(join(root, file), 'utf8'))
  return findings.map((finding) => `${file}:${finding.line}: ${formatSquawk(finding)}`)
}

async function main (): Promise<number> {
  await loadModule()
  const queryFiles = readdirSync(join(root, 'queries'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => `queries/${name}`)

  const findings = await lintSchema('schema.sql')
  for (const file of queryFiles) {
    findings.push(...await lintQueryFile(file))
  }

  for (const finding of findings) {
    console.log(finding)
  }
  const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`
  const checked = `schema.sql and ${plural(queryFiles.length, 'query file')}`
  if (findings.length > 0) {
    console.error(`SQL lint: found ${plural(findings.length, 'problem')}, listed above, after checking ${checked}`)
    return 1
  }
  console.log(`SQL lint: no problems in ${checked}`)
  return 0
}

process.exitCode = await main()
