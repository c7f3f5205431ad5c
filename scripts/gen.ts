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
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { findFreePort, startEmbeddedPostgres, type RunningPostgres } from '../src/db/embedded.js'
import { SchemaError } from '../src/db/schema-file.js'
import { CONFIG_PATH, generateOnce, root, writeConfigInto } from './codegen/pgtyped.js'

const GENERATED_DIR = 'generated'

/**
 * Maps the name of each SQL file under queries/, subfolders included and
 * without `.sql`, to its path. pgtyped.config.json's emitTemplate writes
 * every file to generated/<name>.queries.ts whatever its folder.
 */
async function queryFiles (): Promise<Map<string, string>> {
  const paths = await readdir(join(root, 'queries'), { recursive: true })
  const files = new Map<string, string>()
  for (const path of paths.filter((name) => name.endsWith('.sql')).sort()) {
    files.set(basename(path, '.sql'), `queries/${path}`)
  }
  return files
}

/** Names of the generated files under `dir`, without the `.queries.ts` extension. */
async function generatedFileNames (dir: string): Promise<Set<string>> {
  const names = await readdir(dir).catch(() => [])
  return new Set(names.filter((name) => name.endsWith('.queries.ts')).map((name) => basename(name, '.queries.ts')))
}

/** Deletes generated files whose SQL source no longer exists. */
async function removeOrphans (): Promise<void> {
  const sources = await queryFiles()
  for (const name of await generatedFileNames(join(root, GENERATED_DIR))) {
    if (!sources.has(name)) {
      await rm(join(root, GENERATED_DIR, `${name}.queries.ts`))
      console.log(`Removed ${GENERATED_DIR}/${name}.queries.ts: its SQL file is gone`)
    }
  }
}

/** Compares freshly generated files in `dir` with generated/ and returns one line per difference. */
async function compareWithGenerated (dir: string): Promise<string[]> {
  const problems: string[] = []
  const sources = await queryFiles()
  const fresh = await generatedFileNames(dir)
  const committed = await generatedFileNames(join(root, GENERATED_DIR))
  for (const name of [...new Set([...fresh, ...committed])].sort()) {
    const path = `${GENERATED_DIR}/${name}.queries.ts`
    if (!committed.has(name)) {
      problems.push(`${path} is missing: ${sources.get(name) ?? `queries/${name}.sql`} has no generated file`)
    } else if (!fresh.has(name)) {
      problems.push(`${path} is orphaned: queries/${name}.sql no longer exists`)
    } else {
      const expected = await readFile(join(dir, `${name}.queries.ts`))
      const actual = await readFile(join(root, path))
      if (!expected.equals(actual)) {
        problems.push(`${path} is stale: ${sources.get(name) ?? `queries/${name}.sql`} or schema.sql changed since it was generated`)
      }
    }
  }
  return problems
}

async function generate (connectionString: string): Promise<number> {
  const result = await generateOnce(connectionString, CONFIG_PATH)
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
  temporaryDirs.add(dir)
  try {
    const result = await generateOnce(connectionString, await writeConfigInto(dir))
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

/** Temporary folders to delete when a signal ends the run early. */
const temporaryDirs = new Set<string>()

async function main (): Promise<number> {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } })

  let starting: Promise<RunningPostgres> | undefined
  // On SIGINT or SIGTERM, stop the throwaway Postgres (even one still
  // starting) and delete the temporary folders before exiting.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void (async () => {
        const database = await starting?.catch(() => undefined)
        await database?.stop()
        await Promise.all([...temporaryDirs].map(async (dir) => { await rm(dir, { recursive: true, force: true }) }))
        process.exit(signal === 'SIGINT' ? 130 : 143)
      })()
    })
  }

  let database: RunningPostgres | undefined
  let connectionString = process.env.DATABASE_URL
  if (connectionString === undefined || connectionString === '') {
    const dir = await mkdtemp(join(tmpdir(), 'pgtyped-'))
    temporaryDirs.add(dir)
    starting = startEmbeddedPostgres({ dir, port: await findFreePort(), throwaway: true })
    try {
      database = await starting
    } catch (error) {
      if (error instanceof SchemaError) {
        console.error(`Code generation failed: ${error.message}`)
        return 1
      }
      throw error
    }
    connectionString = database.connectionString
  }

  try {
    return values.check ? await check(connectionString) : await generate(connectionString)
  } finally {
    await database?.stop()
  }
}

process.exitCode = await main()
