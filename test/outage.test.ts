import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { findFreePort, startEmbeddedPostgres, type RunningPostgres } from '../src/db/embedded.js'
import { buildTestApp } from './helpers/app.js'
import { databaseUrl as testServerUrl } from './helpers/database.js'
import { startServer } from './helpers/server-process.js'

const WRITES_PER_PHASE = 5

t.test('database outage and recovery', async (t) => {
  // A Postgres of its own, so the test can stop and start it.
  const dir = await mkdtemp(join(tmpdir(), 'authors-outage-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  const port = await findFreePort()
  let postgres: RunningPostgres = await startEmbeddedPostgres({ dir, port })
  t.teardown(async () => { await postgres.stop() })

  const app = await buildTestApp(t, {
    DATABASE_URL: postgres.connectionString,
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
    READINESS_TIMEOUT_MS: '500'
  })
  const acknowledged: number[] = []
  const write = async (name: string): Promise<number> => {
    const response = await app.inject({ method: 'POST', url: '/authors', payload: { name, bio: 'b' } })
    if (response.statusCode === 201) {
      acknowledged.push(response.json().id)
    }
    return response.statusCode
  }

  t.test('before: writes succeed', async (t) => {
    for (let i = 0; i < WRITES_PER_PHASE; i++) {
      t.equal(await write(`before ${i}`), 201)
    }
    t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, 'ready')
  })

  t.test('during: fast 503s, not ready, no crash', async (t) => {
    await postgres.stop()
    for (let i = 0; i < WRITES_PER_PHASE; i++) {
      const started = Date.now()
      const response = await app.inject({ method: 'POST', url: '/authors', payload: { name: `during ${i}`, bio: 'b' } })
      t.equal(response.statusCode, 503, 'write is 503')
      t.ok(response.headers['retry-after'], 'with Retry-After')
      t.match(response.json().type, '/problems/unavailable')
      t.ok(Date.now() - started < 3000, 'fails within the connect timeout')
      if (response.statusCode === 201) {
        acknowledged.push(response.json().id)
      }
    }
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    t.equal(ready.statusCode, 503, 'readyz is 503')
    t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'healthz stays 200')
  })

  t.test('after: recovers without a restart', async (t) => {
    postgres = await startEmbeddedPostgres({ dir, port })
    let ready = 0
    for (let i = 0; i < 50 && ready !== 200; i++) {
      ready = (await app.inject({ method: 'GET', url: '/readyz' })).statusCode
      if (ready !== 200) {
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
    t.equal(ready, 200, 'ready again')
    for (let i = 0; i < WRITES_PER_PHASE; i++) {
      t.equal(await write(`after ${i}`), 201)
    }
  })

  t.test('every acknowledged write is stored', async (t) => {
    const client = new pg.Client({ connectionString: postgres.connectionString })
    await client.connect()
    const result = await client.query<{ id: number }>('SELECT id::int FROM authors ORDER BY id')
    await client.end()
    t.same(result.rows.map((row) => row.id), [...acknowledged].sort((a, b) => a - b))
    t.equal(acknowledged.length, 2 * WRITES_PER_PHASE, 'writes before and after the outage')
  })
})

t.test('start-up with the database down', async (t) => {
  const deadPort = await findFreePort()
  const server = startServer(t, {
    DATABASE_URL: `postgres://nobody:start-secret@127.0.0.1:${deadPort}/none`,
    DATABASE_STARTUP_TIMEOUT_MS: '1500',
    DATABASE_CONNECT_TIMEOUT_MS: '500',
    PORT: String(await findFreePort()),
    HOST: '127.0.0.1'
  })
  t.equal(await server.closed, 1, 'exits with code 1')
  const retries = server.entries().filter((entry) => entry.msg === 'database unreachable, retrying')
  t.ok(retries.length >= 2, `logs each retry (${retries.length})`)
  t.same(retries.map((entry) => entry.attempt), retries.map((_entry, index) => index + 1), 'numbers the attempts')
  t.ok(server.entries().some((entry) => typeof entry.msg === 'string' && entry.msg.startsWith('database unreachable after')), 'says why it gave up')
  t.notMatch(server.stdout + server.stderr, /start-secret/, 'never logs the password')
  t.notMatch(server.stdout, /Server listening/, 'never listens')
})

t.test('SIGTERM cancels the start-up wait', async (t) => {
  const server = startServer(t, {
    DATABASE_URL: `postgres://nobody:x@127.0.0.1:${await findFreePort()}/none`,
    DATABASE_STARTUP_TIMEOUT_MS: '60000',
    DATABASE_CONNECT_TIMEOUT_MS: '500',
    PORT: String(await findFreePort()),
    HOST: '127.0.0.1'
  })
  await server.waitForMessage(/^database unreachable, retrying$/)
  const started = Date.now()
  process.kill(server.pid, 'SIGTERM')
  t.equal(await server.closed, 0, 'exits with code 0')
  t.ok(Date.now() - started < 3000, 'without waiting out the retries')
})

t.test('start-up waits for a database that comes up', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authors-late-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  const port = await findFreePort()
  // Create the cluster first to learn its URL, then stop it until the server waits.
  let postgres = await startEmbeddedPostgres({ dir, port })
  const url = postgres.connectionString
  await postgres.stop()
  t.teardown(async () => { await postgres.stop() })

  const server = startServer(t, { DATABASE_URL: url, DATABASE_STARTUP_TIMEOUT_MS: '30000', PORT: String(await findFreePort()), HOST: '127.0.0.1' })
  await server.waitForMessage(/^database unreachable, retrying$/)
  postgres = await startEmbeddedPostgres({ dir, port })
  await server.waitForMessage(/^Server listening/)
  t.pass('listens once the database is up')
  t.equal(await server.stop(), 0, 'stops cleanly')
})

t.test('start-up without the schema', async (t) => {
  const name = `empty_${process.pid}`
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  t.teardown(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  })

  const server = startServer(t, { DATABASE_URL: testServerUrl(name), PORT: String(await findFreePort()), HOST: '127.0.0.1' })
  t.equal(await server.closed, 1, 'exits with code 1')
  const fatal = server.entries().find((entry) => entry.level === 60)
  t.match(fatal?.msg, /table authors, books missing from the database; load schema.sql/, 'names the missing tables and the fix')
  t.notMatch(server.stdout, /Server listening/, 'never listens')
})
