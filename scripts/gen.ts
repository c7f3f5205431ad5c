// Regenerates generated/*.queries.ts from queries/*.sql with pgtyped,
// type-checking every query against a database built from schema.sql.
//
// With DATABASE_URL set, pgtyped uses that database, which must already hold
// the schema. Otherwise a throwaway embedded Postgres is created, loaded with
// schema.sql, and deleted afterwards.
//
// pgtyped exits 0 even when a query is invalid, so this script reads its
// output and exits 1 naming the file and query of every error.

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
  const child = spawn(bin, ['--config', 'pgtyped.config.json', '--uri', connectionString], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)))
  return { output, exitCode }
}

/** Finds the 1-based line of a query's `@name` annotation, or 0. */
function queryLine (file: string, queryName: string): number {
  const lines = readFileSync(join(root, file), 'utf8').split('\n')
  const pattern = new RegExp(`@name\\s+${queryName}\\b`, 'i')
  return lines.findIndex((line) => pattern.test(line)) + 1
}

/**
 * Collects one `file:line: query name: message` entry for every error in
 * pgtyped's output: parse errors from its SQL parser and the database's
 * messages for queries that fail to compile.
 */
function findErrors (output: string): string[] {
  const errors: string[] = []
  let file = '(unknown file)'
  let databaseMessage: string | undefined
  for (const line of output.split('\n')) {
    const processing = /^Processing (\S+)/.exec(line)
    if (processing?.[1] !== undefined) {
      file = processing[1]
      continue
    }
    const parseError = /^- \((\d+):\d+\) (.*)$/.exec(line)
    if (parseError !== null) {
      errors.push(`${file}:${parseError[1]}: ${parseError[2]}`)
      continue
    }
    const message = /^\s+message: '(.*)',?$/.exec(line)
    if (message?.[1] !== undefined) {
      databaseMessage = message[1]
      continue
    }
    const invalid = /^Error processing \S+: Query "(\w+)" is invalid/.exec(line)
    if (invalid?.[1] !== undefined) {
      const name = invalid[1]
      errors.push(`${file}:${queryLine(file, name)}: query ${name}: ${databaseMessage ?? 'invalid query'}`)
      databaseMessage = undefined
    } else if (/^Error/.test(line) && !line.startsWith('Error in query') && !line.startsWith('Error: Query')) {
      errors.push(`${file}: ${line}`)
    }
  }
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
