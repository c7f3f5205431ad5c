// Regenerates generated/*.queries.ts from queries/*.sql with pgtyped,
// type-checking every query against a database built from schema.sql.
//
//   just gen            rewrite generated/
//   just gen --check    generate into a temporary folder and compare it
//                       with generated/. Names each stale, missing or
//                       orphaned file and exits 1 when any differ. Never
//                       writes to the working tree.
//
// With DATABASE_URL set, pgtyped uses that database, which must already hold
// the schema. Otherwise a throwaway embedded Postgres is created, loaded with
// schema.sql, and deleted afterwards.
//
// pgtyped exits 0 even when a query is invalid, so this script reads its
// output and exits 1 naming the file, line and query of each error.
// pgtyped stops reading a file at its first invalid query.

import { parseArgs } from 'node:util'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { findFreePort, startEmbeddedPostgres, type RunningPostgres } from '../src/db/embedded.js'
import { forEachLine, PgtypedOutputParser, root, spawnPgtyped, type PgtypedEvent } from './codegen/pgtyped.js'

const CONFIG_PATH = 'pgtyped.config.json'
const GENERATED_DIR = 'generated'

interface GenResult {
  events: PgtypedEvent[]
  errors: string[]
  exitCode: number
  output: string
}

async function runPgtyped (connectionString: string, configPath: string): Promise<GenResult> {
  const child = spawnPgtyped({ connectionString, configPath })
  const parser = new PgtypedOutputParser()
  const events: PgtypedEvent[] = []
  let output = ''
  const onLine = (line: string): void => {
    output += line + '\n'
    const event = parser.push(line)
    if (event !== undefined) {
      events.push(event)
    }
  }
  if (child.stdout !== null && child.stderr !== null) {
    forEachLine(child.stdout, onLine)
    forEachLine(child.stderr, onLine)
  }
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)))
  const errors = [
    ...events.flatMap((event) => event.kind === 'failed' ? event.errors : []),
    ...parser.finish()
  ]
  return { events, errors, exitCode, output }
}

/** Names of the SQL files under queries/, without the `.sql` extension. */
async function queryFileNames (): Promise<Set<string>> {
  const names = await readdir(join(root, 'queries'))
  return new Set(names.filter((name) => name.endsWith('.sql')).map((name) => basename(name, '.sql')))
}

/** Names of the generated files under `dir`, without the `.queries.ts` extension. */
async function generatedFileNames (dir: string): Promise<Set<string>> {
  const names = await readdir(dir).catch(() => [])
  return new Set(names.filter((name) => name.endsWith('.queries.ts')).map((name) => basename(name, '.queries.ts')))
}

/** Deletes generated files whose SQL source no longer exists. */
async function removeOrphans (): Promise<void> {
  const sources = await queryFileNames()
  for (const name of await generatedFileNames(join(root, GENERATED_DIR))) {
    if (!sources.has(name)) {
      await rm(join(root, GENERATED_DIR, `${name}.queries.ts`))
      console.log(`Removed ${GENERATED_DIR}/${name}.queries.ts: its SQL file is gone`)
    }
  }
}

/**
 * Writes a copy of the pgtyped config into `dir` that emits into `dir`
 * and returns its path.
 */
async function writeCheckConfig (dir: string): Promise<string> {
  const config = JSON.parse(await readFile(join(root, CONFIG_PATH), 'utf8')) as {
    transforms: Array<{ emitTemplate?: string }>
  }
  for (const transform of config.transforms) {
    if (transform.emitTemplate !== undefined) {
      transform.emitTemplate = join(dir, basename(transform.emitTemplate))
    }
  }
  const path = join(dir, 'pgtyped.config.json')
  await writeFile(path, JSON.stringify(config, null, 2))
  return path
}

/** Compares freshly generated files in `dir` with generated/ and returns one line per difference. */
async function compareWithGenerated (dir: string): Promise<string[]> {
  const problems: string[] = []
  const fresh = await generatedFileNames(dir)
  const committed = await generatedFileNames(join(root, GENERATED_DIR))
  for (const name of [...new Set([...fresh, ...committed])].sort()) {
    const path = `${GENERATED_DIR}/${name}.queries.ts`
    if (!committed.has(name)) {
      problems.push(`${path} is missing: queries/${name}.sql has no generated file`)
    } else if (!fresh.has(name)) {
      problems.push(`${path} is orphaned: queries/${name}.sql no longer exists`)
    } else {
      const expected = await readFile(join(dir, `${name}.queries.ts`))
      const actual = await readFile(join(root, path))
      if (!expected.equals(actual)) {
        problems.push(`${path} is stale: queries/${name}.sql or schema.sql changed since it was generated`)
      }
    }
  }
  return problems
}

async function generate (connectionString: string): Promise<number> {
  const result = await runPgtyped(connectionString, CONFIG_PATH)
  if (result.exitCode !== 0 || result.errors.length > 0) {
    console.error(result.output)
    console.error(`Code generation failed:\n${result.errors.map((error) => `  ${error}`).join('\n')}`)
    return 1
  }
  for (const line of result.output.split('\n')) {
    if (/^(Saved|Skipped)/.test(line)) {
      console.log(line)
    }
  }
  await removeOrphans()
  return 0
}

async function check (connectionString: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'authors-gen-check-'))
  try {
    const result = await runPgtyped(connectionString, await writeCheckConfig(dir))
    if (result.exitCode !== 0 || result.errors.length > 0) {
      console.error(result.output)
      console.error(`Code generation failed:\n${result.errors.map((error) => `  ${error}`).join('\n')}`)
      return 1
    }
    const problems = await compareWithGenerated(dir)
    if (problems.length > 0) {
      console.error(problems.join('\n'))
      console.error('generated/ is out of date: run `just gen` and commit the result')
      return 1
    }
    console.log(`generated/ is up to date (${(await generatedFileNames(dir)).size} files)`)
    return 0
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function main (): Promise<number> {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } })

  let database: RunningPostgres | undefined
  let connectionString = process.env.DATABASE_URL
  if (connectionString === undefined || connectionString === '') {
    const dir = await mkdtemp(join(tmpdir(), 'pgtyped-'))
    database = await startEmbeddedPostgres({ dir, port: await findFreePort(), throwaway: true })
    connectionString = database.connectionString
  }

  try {
    return values.check ? await check(connectionString) : await generate(connectionString)
  } finally {
    await database?.stop()
  }
}

process.exitCode = await main()
