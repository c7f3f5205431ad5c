import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { findFreePort } from '../src/db/embedded.js'
import { createTestDatabase } from './helpers/database.js'
import {
  createAuthor,
  request,
  startServer,
  stopLeftoverPostgres,
  type Author,
  type ServerProcess
} from './helpers/server-process.js'

t.test('server with DATABASE_URL', async (t) => {
  const databaseUrl = await createTestDatabase(t)
  const password = decodeURIComponent(new URL(databaseUrl).password)
  const port = await findFreePort()
  const base = `http://127.0.0.1:${port}`
  const server = startServer(t, { DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port) })

  const listening = await server.waitForMessage(/^Server listening/)
  t.equal(listening.msg, `Server listening at ${base}`, 'listens on loopback at PORT')
  t.ok(server.entries().some((entry) => entry.msg === 'using DATABASE_URL'), 'logs that it uses DATABASE_URL')

  const created = await createAuthor(base, { name: 'Ada Lovelace', bio: 'Wrote the first program.' }, 'server-test-create')
  t.equal(created.status, 201, 'POST /authors returns 201')
  const author = await created.json() as Author
  t.equal(author.name, 'Ada Lovelace', 'POST returns the name')
  t.equal(created.headers.get('location'), `/authors/${author.id}`, 'POST sets location')

  const fetched = await request(`${base}/authors/${author.id}`)
  t.equal(fetched.status, 200, 'GET /authors/:id returns 200')
  t.same(await fetched.json(), author, 'GET returns the created author')
  const generatedId = fetched.headers.get('x-request-id')
  t.ok(generatedId, 'GET response carries x-request-id')

  const completed = await server.waitFor('two "request completed" lines', () => {
    const lines = server.entries().filter((entry) => entry.msg === 'request completed')
    return lines.length >= 2 ? lines : undefined
  })
  const post = completed.find((entry) => entry.method === 'POST')
  t.match(post, { reqId: 'server-test-create', route: '/authors', status: 201 }, 'POST line has reqId, route, status')
  t.type(post?.durationMs, 'number', 'POST line has durationMs')
  const get = completed.find((entry) => entry.method === 'GET')
  t.match(get, { reqId: generatedId, route: '/authors/:id', status: 200 }, 'GET line has reqId, route, status')
  t.type(get?.durationMs, 'number', 'GET line has durationMs')

  t.equal(await server.stop(), 0, 'exits with code 0 after SIGTERM')

  const lines = server.lines()
  t.same(lines.filter((line) => {
    try {
      return typeof JSON.parse(line) !== 'object'
    } catch {
      return true
    }
  }), [], 'every stdout line is a JSON object')
  const entries = server.entries()
  // Lines can arrive out of order (seen under load: "stopped" before
  // "shutting down"), so this checks which lines lack a reqId, not where.
  const lifecycle = new Set(['using DATABASE_URL', listening.msg, 'shutting down', 'stopped'])
  t.same(
    entries.filter((entry) => typeof entry.reqId !== 'string' && !lifecycle.has(entry.msg)),
    [],
    'every line but start-up and shutdown has a reqId',
    { stdout: server.stdout }
  )
  t.ok(entries.some((entry) => entry.msg === 'stopped'), 'logs that it stopped')
  if (password === '') {
    t.comment('the test database URL has no password to look for')
  } else {
    t.notOk(server.stdout.includes(password), 'stdout omits the database password')
    t.notOk(server.stderr.includes(password), 'stderr omits the database password')
  }
})

t.test('server with embedded Postgres', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authors-server-test-'))
  const dataDir = join(dir, 'data')
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  const postgresPort = String(await findFreePort())
  let author: Author | undefined

  const start = async (t: Test): Promise<{ server: ServerProcess, base: string }> => {
    // Teardowns run last-registered first: the server ends, then any
    // Postgres it left behind, so a failed start does not block the next.
    t.teardown(async () => {
      try {
        await stopLeftoverPostgres(dataDir)
      } catch (error) {
        t.comment(`could not stop Postgres in ${dataDir}: ${String(error)}`)
      }
    })
    const port = await findFreePort()
    const server = startServer(t, {
      HOST: '127.0.0.1',
      PORT: String(port),
      EMBEDDED_POSTGRES_DIR: dir,
      EMBEDDED_POSTGRES_PORT: postgresPort
    })
    await server.waitForMessage(/^Server listening/)
    return { server, base: `http://127.0.0.1:${port}` }
  }

  const stopAndCheck = async (t: Test, server: ServerProcess): Promise<void> => {
    t.equal(await server.stop(), 0, 'exits with code 0 after SIGTERM')
    t.notOk(existsSync(join(dataDir, 'postmaster.pid')), 'embedded Postgres stopped too')
    const password = (await readFile(join(dir, 'password'), 'utf8')).trim()
    t.ok(password, 'cluster password file is kept')
    t.notOk(server.stdout.includes(password), 'stdout omits the cluster password')
    t.notOk(server.stderr.includes(password), 'stderr omits the cluster password')
  }

  await t.test('first start creates cluster', async (t) => {
    const { server, base } = await start(t)
    const line = server.entries().find((entry) => entry.msg === 'created embedded Postgres and applied schema.sql')
    t.ok(line, 'logs that it created the cluster')
    t.equal(line?.created, true, 'log line has created: true')

    const created = await createAuthor(base, { name: 'Grace Hopper', bio: 'Wrote the first compiler.' })
    t.equal(created.status, 201, 'POST /authors returns 201')
    author = await created.json() as Author
    t.equal(author.name, 'Grace Hopper', 'POST returns the name')

    await stopAndCheck(t, server)
  })

  await t.test('second start reuses data', async (t) => {
    const { server, base } = await start(t)
    const line = server.entries().find((entry) => entry.msg === 'started embedded Postgres with existing data')
    t.ok(line, 'logs that it reused the cluster')
    t.equal(line?.created, false, 'log line has created: false')

    if (author === undefined) {
      t.fail('first start created no author')
    } else {
      const fetched = await request(`${base}/authors/${author.id}`)
      t.equal(fetched.status, 200, 'GET /authors/:id returns 200')
      t.same(await fetched.json(), author, 'GET returns the author from the first start')
    }
    const list = await request(`${base}/authors`)
    t.equal(((await list.json()) as { items: Author[] }).items.length, 1, 'database holds exactly that author')

    await stopAndCheck(t, server)
  })
})
