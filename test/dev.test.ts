import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { appendFile, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { findFreePort } from '../src/db/embedded.js'
import { createTestDatabase } from './helpers/database.js'
import { copyProject } from './helpers/project.js'
import { createAuthor, isRunning, request, startServer, type Author, type LogEntry, type ServerProcess } from './helpers/server-process.js'

// Runs `just dev` (scripts/dev.ts) in a temporary copy of the project and
// edits the copy's files the way a developer saves them in an editor.

/** Replaces `search` in a file of the copy, writing a new file and renaming it over the old one, as editors do. */
async function editFile (path: string, search: string, replacement: string): Promise<void> {
  const text = await readFile(path, 'utf8')
  if (!text.includes(search)) {
    throw new Error(`${path} does not contain ${JSON.stringify(search)}`)
  }
  await writeFile(`${path}.tmp`, text.replace(search, replacement))
  await rename(`${path}.tmp`, path)
}

/** Returns the 1-based line of the first line of `path` that contains `search`. */
async function lineOf (path: string, search: string): Promise<number> {
  const lines = (await readFile(path, 'utf8')).split('\n')
  return lines.findIndex((line) => line.includes(search)) + 1
}

/**
 * Waits for the first log line of `just dev` itself (not of the service),
 * after the first `skip` such lines, whose msg matches `pattern`.
 */
async function waitForDevLine (dev: ServerProcess, pattern: RegExp, skip: number): Promise<LogEntry> {
  return await dev.waitFor(`just dev line matching ${String(pattern)}`, () =>
    devLines(dev).slice(skip).find((entry) => typeof entry.msg === 'string' && pattern.test(entry.msg)))
}

function devLines (dev: ServerProcess): LogEntry[] {
  return dev.entries().filter((entry) => entry.name === 'dev')
}

const GET_AUTHOR_SELECT = '/* @name getAuthor */\nSELECT id, name,'

t.test('dev loop on a managed database', async (t) => {
  const dir = await copyProject(t)
  const databaseUrl = await createTestDatabase(t)
  const port = await findFreePort()
  const base = `http://127.0.0.1:${port}`
  const dev = startServer(t, {
    DATABASE_URL: databaseUrl,
    DEV_DATABASE_MANAGED: 'true',
    PORT: String(port)
  }, { script: 'scripts/dev.ts', cwd: dir })

  const ready = await waitForDevLine(dev, /^service ready in \d+ ms; watching/, 0)
  t.type(ready.totalMs, 'number', 'start-up line has its duration')
  const created = await createAuthor(base, { name: 'Ada Lovelace', bio: 'Wrote the first program.' })
  t.equal(created.status, 201, 'service creates an author')
  const author = await created.json() as Author

  const queriesPath = join(dir, 'queries', 'authors.sql')
  const generatedPath = join(dir, 'generated', 'authors.queries.ts')

  t.test('saved query regenerates and reloads', async (t) => {
    const skip = devLines(dev).length
    await editFile(queriesPath, GET_AUTHOR_SELECT, '/* @name getAuthor */\nSELECT id, upper(name) AS "name!",')
    const line = await waitForDevLine(dev, /^queries\/authors\.sql: regenerated generated\/authors\.queries\.ts/, skip)
    t.equal(line.file, 'queries/authors.sql', 'names the SQL file')
    t.type(line.generateMs, 'number', 'reports the generation time')
    t.type(line.reloadMs, 'number', 'reports the reload time')
    t.type(line.sinceSaveMs, 'number', 'reports the time since the save')
    t.match(await readFile(generatedPath, 'utf8'), /upper\(name\)/, 'generated file has the new SQL')
    const response = await request(`${base}/authors/${author.id}`)
    t.equal(response.status, 200, 'reloaded service answers')
    t.equal((await response.json() as Author).name, 'ADA LOVELACE', 'reloaded service runs the new query')
  })

  t.test('invalid query keeps last version', async (t) => {
    const skip = devLines(dev).length
    const generatedBefore = await readFile(generatedPath, 'utf8')
    await editFile(queriesPath, 'upper(name) AS "name!"', 'upper(nme) AS "name!"')
    const line = await waitForDevLine(dev, /query getAuthor: column "nme" does not exist/, skip)
    const nameLine = await lineOf(queriesPath, '@name getAuthor')
    t.equal(line.level, 50, 'is logged as an error')
    t.equal(line.file, 'queries/authors.sql', 'names the SQL file')
    t.match(String(line.error), new RegExp(`^queries/authors\\.sql:${nameLine}: query getAuthor: column "nme" does not exist`),
      'gives file, line, query and the database message')
    t.match(String(line.msg), /keeps running the previous version/, 'says the service is unchanged')
    t.equal(await readFile(generatedPath, 'utf8'), generatedBefore, 'generated file is unchanged')
    const response = await request(`${base}/authors/${author.id}`)
    t.equal((await response.json() as Author).name, 'ADA LOVELACE', 'service still runs the last good query')
  })

  t.test('fixed query is served again', async (t) => {
    const skip = devLines(dev).length
    await editFile(queriesPath, 'SELECT id, upper(nme) AS "name!",', 'SELECT id, name,')
    await waitForDevLine(dev, /^queries\/authors\.sql: regenerated/, skip)
    const response = await request(`${base}/authors/${author.id}`)
    t.equal((await response.json() as Author).name, 'Ada Lovelace', 'service runs the original query')
  })

  t.test('saved schema rebuilds the database', async (t) => {
    const skip = devLines(dev).length
    await editFile(join(dir, 'schema.sql'), '  bio text NOT NULL CONSTRAINT', '  bio text CONSTRAINT')
    const line = await waitForDevLine(dev, /^schema\.sql: rebuilt the database in \d+ ms/, skip)
    t.type(line.rebuildMs, 'number', 'reports the rebuild time')
    t.type(line.generateMs, 'number', 'reports the generation time')
    t.type(line.reloadMs, 'number', 'reports the reload time')
    t.same(line.regenerated, ['queries/authors.sql'], 'regenerates the query file whose types changed')
    t.equal(line.failed, 0, 'no query fails')
    t.match(await readFile(generatedPath, 'utf8'), /bio: string \| null;/, 'generated types follow the new schema')
    const response = await request(`${base}/authors/${author.id}`)
    t.equal(response.status, 404, 'the rebuilt database starts empty')

    // The compiler shows where the code must change for the nullable column.
    const typeCheck = await waitForDevLine(dev, /^type check found \d+ errors?/, skip)
    t.match(JSON.stringify(typeCheck.errors), /src\/routes\/authors\/index\.ts\(\d+,\d+\): error TS2322/, 'type check names the handler')
  })

  t.test('invalid schema keeps the database', async (t) => {
    const again = await createAuthor(base, { name: 'Grace Hopper', bio: 'Wrote a compiler.' })
    t.equal(again.status, 201, 'service creates an author')
    const kept = await again.json() as Author

    const skip = devLines(dev).length
    const schemaPath = join(dir, 'schema.sql')
    await appendFile(schemaPath, '\nCREATE TABL broken (id int);\n')
    const brokenLine = await lineOf(schemaPath, 'CREATE TABL broken')
    const line = await waitForDevLine(dev, /^schema\.sql failed to apply/, skip)
    t.equal(line.level, 50, 'is logged as an error')
    t.equal(line.error, `schema.sql:${brokenLine}: syntax error at or near "TABL"`, 'gives the line and the database message')
    const response = await request(`${base}/authors/${kept.id}`)
    t.equal(response.status, 200, 'service keeps the data it had')
  })

  t.test('schema breaking a query rejected', async (t) => {
    const kept = await createAuthor(base, { name: 'Barbara Liskov', bio: 'Wrote about substitution.' })
    t.equal(kept.status, 201, 'service creates an author')
    const author = await kept.json() as Author

    const skip = devLines(dev).length
    const schemaPath = join(dir, 'schema.sql')
    await editFile(schemaPath, '\nCREATE TABL broken (id int);\n', '\nALTER TABLE authors DROP COLUMN bio;\n')
    const line = await waitForDevLine(dev, /^schema\.sql breaks a query: /, skip)
    t.equal(line.level, 50, 'is logged as an error')
    t.match(String(line.error), /^queries\/authors\.sql:\d+: query \w+: column "bio"/, 'names the query and the database message')
    t.match(String(line.msg), /the database and the service are unchanged/, 'says nothing changed')
    const response = await request(`${base}/authors/${author.id}`)
    t.equal(response.status, 200, 'service keeps the data it had')
    t.match(await readFile(generatedPath, 'utf8'), /bio: string \| null;/, 'generated types are unchanged')

    const skipAgain = devLines(dev).length
    // Back to the exact text that built the running database.
    await editFile(schemaPath, '\nALTER TABLE authors DROP COLUMN bio;\n', '')
    await waitForDevLine(dev, /^schema\.sql: content unchanged, no rebuild/, skipAgain)
    const again = await request(`${base}/authors/${author.id}`)
    t.equal(again.status, 200, 'unchanged schema keeps the data')
  })

  t.test('saved source reloads', async (t) => {
    const skip = devLines(dev).length
    await appendFile(join(dir, 'src', 'app.ts'), '\n// edited by the test\n')
    const line = await waitForDevLine(dev, /^src\/app\.ts changed: service ready in \d+ ms/, skip)
    t.same(line.files, ['src/app.ts'], 'names the changed file')
    const response = await request(`${base}/readyz`)
    t.equal(response.status, 200, 'reloaded service is ready')
  })

  t.test('renamed-over source reloads twice', async (t) => {
    const appPath = join(dir, 'src', 'app.ts')
    let marker = '// edited by the test\n'
    for (const round of [1, 2]) {
      const skip = devLines(dev).length
      const next = `// edited by the test, save ${round}\n`
      await editFile(appPath, marker, next)
      marker = next
      const line = await waitForDevLine(dev, /^src\/app\.ts changed: service ready in \d+ ms/, skip)
      t.same(line.files, ['src/app.ts'], `save ${round} names only the changed file`)
    }
  })

  t.test('SIGTERM stops every process', async (t) => {
    const servicePids = new Set(dev.entries()
      .filter((entry) => entry.name !== 'dev' && typeof entry.pid === 'number')
      .map((entry) => entry.pid as number))
    t.ok(servicePids.size >= 1, 'service processes logged their pids')
    const code = await dev.stop()
    t.equal(code, 0, 'just dev exits with code 0')
    t.ok(devLines(dev).some((entry) => entry.msg === 'stopped'), 'logs that it stopped')
    for (const pid of servicePids) {
      t.notOk(isRunning(pid), `service process ${pid} is gone`)
    }
  })
})

t.test('schema changed between runs', async (t) => {
  const dir = await copyProject(t)
  const databaseUrl = await createTestDatabase(t)
  const vars = { DATABASE_URL: databaseUrl, DEV_DATABASE_MANAGED: 'true' }

  const first = startServer(t, { ...vars, PORT: String(await findFreePort()) }, { script: 'scripts/dev.ts', cwd: dir })
  await waitForDevLine(first, /^service ready in \d+ ms/, 0)
  t.equal(await first.stop(), 0, 'first run exits with code 0')

  await appendFile(join(dir, 'schema.sql'), '\nCREATE TABLE notes (id int PRIMARY KEY);\n')
  const second = startServer(t, { ...vars, PORT: String(await findFreePort()) }, { script: 'scripts/dev.ts', cwd: dir })
  const rebuilt = await waitForDevLine(second, /^schema\.sql changed since the last run: rebuilt the database/, 0)
  t.equal(rebuilt.failed, 0, 'every query compiles')
  await waitForDevLine(second, /^service ready in \d+ ms/, 0)
  const listening = second.entries().filter((entry) => /^Server listening/.test(String(entry.msg)))
  t.equal(listening.length, 1, 'starts the service once')
  t.equal(await second.stop(), 0, 'second run exits with code 0')
})

t.test('dev loop on DATABASE_URL', async (t) => {
  const dir = await copyProject(t)
  const databaseUrl = await createTestDatabase(t)
  const port = await findFreePort()
  const base = `http://127.0.0.1:${port}`
  const dev = startServer(t, { DATABASE_URL: databaseUrl, PORT: String(port) }, { script: 'scripts/dev.ts', cwd: dir })
  await waitForDevLine(dev, /^service ready in \d+ ms/, 0)
  const created = await createAuthor(base, { name: 'Edsger Dijkstra', bio: 'Wrote about goto.' })
  const author = await created.json() as Author

  const skip = devLines(dev).length
  await appendFile(join(dir, 'schema.sql'), '\nCREATE TABLE notes (id int);\n')
  const line = await waitForDevLine(dev, /^schema\.sql changed, but DATABASE_URL names a database/, skip)
  t.equal(line.level, 40, 'is logged as a warning')
  const response = await request(`${base}/authors/${author.id}`)
  t.equal(response.status, 200, 'the database keeps its data')
  t.equal(await dev.stop(), 0, 'just dev exits with code 0')
})

t.test('dev with port in use', async (t) => {
  const dir = await copyProject(t)
  const databaseUrl = await createTestDatabase(t)
  const blocker = createServer((_request, response) => { response.end('not the service') })
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => { await new Promise((resolve) => blocker.close(resolve)) })
  const port = (blocker.address() as AddressInfo).port

  const dev = startServer(t, { DATABASE_URL: databaseUrl, PORT: String(port) }, { script: 'scripts/dev.ts', cwd: dir })
  const code = await dev.closed
  t.equal(code, 1, 'exits with code 1')
  const fatal = devLines(dev).find((entry) => entry.level === 60)
  t.match(String(fatal?.msg), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`), 'names the port and the error')
  t.notOk(dev.entries().some((entry) => /^service ready/.test(String(entry.msg))), 'never reports the service ready')
})

t.test('dev on embedded Postgres', async (t) => {
  const dir = await copyProject(t)
  const dataDir = await mkdtemp(join(tmpdir(), 'authors-dev-pg-'))
  t.teardown(async () => { await rm(dataDir, { recursive: true, force: true }) })
  const port = await findFreePort()
  const dev = startServer(t, {
    EMBEDDED_POSTGRES_DIR: dataDir,
    EMBEDDED_POSTGRES_PORT: String(await findFreePort()),
    PORT: String(port)
  }, { script: 'scripts/dev.ts', cwd: dir })
  const using = await waitForDevLine(dev, /^using embedded Postgres/, 0)
  t.equal(using.created, true, 'creates the cluster')
  await waitForDevLine(dev, /^service ready in \d+ ms/, 0)
  const response = await request(`http://127.0.0.1:${port}/readyz`)
  t.equal(response.status, 200, 'service is ready')
  t.equal(await dev.stop(), 0, 'just dev exits with code 0')
  t.notOk(existsSync(join(dataDir, 'data', 'postmaster.pid')), 'embedded Postgres has stopped')
})
