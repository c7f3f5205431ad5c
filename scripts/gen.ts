// Regenerates generated/*.queries.ts from queries/*.sql with pgtyped,
// type-checking every query against a database built from schema.sql.
//
// With DATABASE_URL set, pgtyped uses that database, which must already hold
// the schema. Otherwise a throwaway embedded Postgres is created, loaded with
// schema.sql, and deleted afterwards.
//
// pgtyped exits 0 even when a query is invalid, so this script reads its
// output and exits 1 naming the file and query of each error it reports.
// pgtyped stops reading a file at its first invalid query.

import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findFreePort, startEmbeddedPostgres, type RunningPostgres } from '../src/db/embedded.js'

const root = dirname(dirname(fileURLToPath(import.meta.url)))

interface GenResult {
  output: string
  exitCode: number
}

async function runPgtyped (connectionString: string): Promise<GenResult> {
  const bin = join(root, 'node_modules', '.bin', 'pgtyped')
  // The URL travels in the environment, where pgtyped reads DATABASE_URL,
  // because command lines are visible to every local user.
  const child = spawn(bin, ['--config', 'pgtyped.config.json'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: connectionString },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)))
  return { output, exitCode }
}

interface QueryLocation {
  line: number
  name: string
}

/**
 * Finds a query's `@name` annotation from the name pgtyped prints, which is
 * PascalCase (`broken_query` and `brokenQuery` both print as BrokenQuery).
 */
function locateQuery (file: string, printedName: string): QueryLocation {
  const normalize = (name: string): string => name.replace(/_/g, '').toLowerCase()
  const lines = readFileSync(join(root, file), 'utf8').split('\n')
  for (const [index, line] of lines.entries()) {
    const annotation = /@name\s+(\w+)/.exec(line)
    if (annotation?.[1] !== undefined && normalize(annotation[1]) === normalize(printedName)) {
      return { line: index + 1, name: annotation[1] }
    }
  }
  return { line: 0, name: printedName }
}

/**
 * Collects one `file:line: message` entry for every error in pgtyped's
 * output. pgtyped prints a file's parse errors before the line that names
 * the file ("Skipped <file>"), and a query's database error before
 * "Error processing <file>: Query "<Name>" is invalid".
 */
function findErrors (output: string): string[] {
  const errors: string[] = []
  let parseErrors: string[] = []
  let databaseMessage: string | undefined
  let databaseHint: string | undefined
  for (const line of output.split('\n')) {
    const parseError = /^- \((\d+):\d+\) (.*)$/.exec(line)
    if (parseError !== null) {
      parseErrors.push(`${parseError[1]}: ${parseError[2]}`)
      continue
    }
    const fileResult = /^(?:Skipped|Saved \d+ query types from) (\S+?):? /.exec(line)
    if (fileResult?.[1] !== undefined) {
      errors.push(...parseErrors.map((error) => `${fileResult[1]}:${error}`))
      parseErrors = []
      continue
    }
    const message = /^\s+message: '(.*)',?$/.exec(line)
    if (message?.[1] !== undefined) {
      databaseMessage = message[1]
      continue
    }
    const hint = /^\s+hint: '(.*)',?$/.exec(line)
    if (hint?.[1] !== undefined) {
      databaseHint = hint[1]
      continue
    }
    const invalid = /^Error processing (\S+): Query "(\w+)" is invalid/.exec(line)
    if (invalid?.[1] !== undefined && invalid[2] !== undefined) {
      const query = locateQuery(invalid[1], invalid[2])
      const detail = (databaseMessage ?? 'invalid query') + (databaseHint === undefined ? '' : ` (${databaseHint})`)
      errors.push(`${invalid[1]}:${query.line}: query ${query.name}: ${detail}`)
      databaseMessage = undefined
      databaseHint = undefined
      continue
    }
    const otherFailure = /^Error processing (\S+): (.*)$/.exec(line)
    if (otherFailure !== null) {
      errors.push(`${otherFailure[1]}: ${otherFailure[2]}`)
    }
  }
  errors.push(...parseErrors.map((error) => `(unknown file):${error}`))
  return errors
}

/** Deletes generated files whose SQL source no longer exists. */
async function removeOrphans (): Promise<void> {
  const sources = new Set(
    (await readdir(join(root, 'queries'))).filter((name) => name.endsWith('.sql')).map((name) => basename(name, '.sql'))
  )
  for (const name of await readdir(join(root, 'generated'))) {
    if (name.endsWith('.queries.ts') && !sources.has(basename(name, '.queries.ts'))) {
      await rm(join(root, 'generated', name))
      console.log(`Removed generated/${name}: its SQL file is gone`)
    }
  }
}

async function main (): Promise<number> {
  let database: RunningPostgres | undefined
  let connectionString = process.env.DATABASE_URL
  if (connectionString === undefined || connectionString === '') {
    const dir = await mkdtemp(join(tmpdir(), 'pgtyped-'))
    database = await startEmbeddedPostgres({ dir, port: await findFreePort(), throwaway: true })
    connectionString = database.connectionString
  }

  try {
    const { output, exitCode } = await runPgtyped(connectionString)
    const errors = findErrors(output)
    if (exitCode !== 0 || errors.length > 0) {
      console.error(output)
      console.error(`Code generation failed:\n${errors.map((error) => `  ${error}`).join('\n')}`)
      return 1
    }
    for (const line of output.split('\n')) {
      if (/^(Saved|Skipped)/.test(line)) {
        console.log(line)
      }
    }
    await removeOrphans()
    return 0
  } finally {
    await database?.stop()
  }
}

process.exitCode = await main()
