import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { appendFile, cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { createTestDatabase } from './helpers/database.js'

const root = fileURLToPath(new URL('..', import.meta.url))

/** What scripts/gen.ts reads or writes; node_modules is linked, not copied. */
const PROJECT_FILES = [
  'scripts',
  'src',
  'queries',
  'generated',
  'schema.sql',
  'pgtyped.config.json',
  'package.json',
  'tsconfig.json'
]

/** How long one generator run may take before it is killed and fails. */
const GEN_TIMEOUT_MS = 60_000

/** Copies the project into a temporary folder removed when `t` ends. */
async function copyProject (t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'authors-gen-test-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  for (const name of PROJECT_FILES) {
    await cp(join(root, name), join(dir, name), { recursive: true })
  }
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return dir
}

interface GenResult {
  code: number | null
  stdout: string
  stderr: string
  /** stdout and stderr together. */
  output: string
}

/** Runs scripts/gen.ts in `dir` against `databaseUrl`; kills it by pid after GEN_TIMEOUT_MS. */
async function runGen (dir: string, databaseUrl: string): Promise<GenResult> {
  const env: NodeJS.ProcessEnv = {
    // pgtyped's bin starts with `#!/usr/bin/env node`: this node comes first.
    PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
    DATABASE_URL: databaseUrl
  }
  for (const name of ['HOME', 'TMPDIR']) {
    if (process.env[name] !== undefined) {
      env[name] = process.env[name]
    }
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/gen.ts'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGKILL')
    }
  }, GEN_TIMEOUT_MS)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr, output: stdout + stderr }
}

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
