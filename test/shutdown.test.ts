import pg from 'pg'
import t, { type Test } from 'tap'
import { findFreePort } from '../src/db/embedded.js'
import { buildTestApp } from './helpers/app.js'
import { createTestDatabase } from './helpers/database.js'
import { createAuthor, request, startServer, WAIT_MS, type Author, type ServerProcess } from './helpers/server-process.js'

/** Requests that each wait on a row lock, to be in flight when the signal arrives. */
const SLOW_REQUESTS = 8

interface Running {
  server: ServerProcess
  base: string
  databaseUrl: string
  authors: Author[]
  locker: pg.Client
}

/**
 * Starts the server on a fresh database with SLOW_REQUESTS authors, and a
 * separate connection that holds a lock on every author row.
 */
async function startWithLockedRows (t: Test, env: Record<string, string> = {}): Promise<Running> {
  const databaseUrl = await createTestDatabase(t)
  const port = await findFreePort()
  const base = `http://127.0.0.1:${port}`
  const server = startServer(t, { DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port), ...env })
  await server.waitForMessage(/^Server listening/)

  const authors: Author[] = []
  for (let i = 0; i < SLOW_REQUESTS; i++) {
    authors.push(await (await createAuthor(base, { name: `Author ${i}`, bio: 'before' })).json() as Author)
  }

  const locker = new pg.Client({ connectionString: databaseUrl })
  await locker.connect()
  t.teardown(async () => { await locker.end() })
  await locker.query('BEGIN')
  await locker.query('SELECT id FROM authors FOR UPDATE')
  return { server, base, databaseUrl, authors, locker }
}

/** Sends a PATCH per author; each blocks on the row lock until it is released. */
function patchAll (running: Running): Array<Promise<{ status: number, body: Author }>> {
  return running.authors.map(async (author) => {
    const response = await request(`${running.base}/authors/${author.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ bio: `after ${author.id}` })
    })
    return { status: response.status, body: await response.json() as Author }
  })
}

/** Waits until `count` statements wait on a lock, so the requests are surely in flight. */
async function waitForLockWaiters (locker: pg.Client, count: number): Promise<void> {
  const deadline = Date.now() + WAIT_MS
  while (Date.now() < deadline) {
    // Inside the locker's transaction pg_stat_activity keeps one snapshot.
    await locker.query('SELECT pg_stat_clear_snapshot()')
    const result = await locker.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    if ((result.rows[0]?.n ?? 0) >= count) {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`fewer than ${count} requests reached the lock within ${WAIT_MS} ms`)
}

t.test('SIGTERM lets in-flight requests finish', async (t) => {
  const running = await startWithLockedRows(t)
  // Keep-alive connections: fetch reuses the sockets of the requests above.
  const patches = patchAll(running)
  await waitForLockWaiters(running.locker, SLOW_REQUESTS)

  process.kill(running.server.pid, 'SIGTERM')
  await running.server.waitForMessage(/^shutting down$/)
  const refused = await request(`${running.base}/healthz`).then(() => false, () => true)
  t.ok(refused, 'the listener no longer accepts connections')

  await running.locker.query('COMMIT')
  const results = await Promise.all(patches)
  for (const [index, result] of results.entries()) {
    const author = running.authors[index] as Author
    t.equal(result.status, 200, `PATCH ${author.id} completed`)
    t.equal(result.body.bio, `after ${author.id}`, `PATCH ${author.id} returned its change`)
  }
  t.equal(await running.server.closed, 0, 'exits with code 0')

  const stored = await running.locker.query<{ id: number, bio: string }>('SELECT id::int, bio FROM authors ORDER BY id')
  t.same(stored.rows.map((row) => row.bio), running.authors.map((author) => `after ${author.id}`), 'every acknowledged write is stored')
  const shuttingDown = running.server.entries().find((entry) => entry.msg === 'shutting down')
  t.equal(shuttingDown?.inFlight, SLOW_REQUESTS, 'the shutdown line counts the requests in flight')
  t.ok(running.server.entries().some((entry) => entry.msg === 'stopped'), 'logs that it stopped')
})

t.test('grace period cuts off what is left', async (t) => {
  const running = await startWithLockedRows(t, { SHUTDOWN_GRACE_MS: '500' })
  const patches = patchAll(running).map(async (patch) => await patch.catch(() => undefined))
  await waitForLockWaiters(running.locker, SLOW_REQUESTS)

  const started = Date.now()
  process.kill(running.server.pid, 'SIGTERM')
  t.equal(await running.server.closed, 1, 'exits with code 1')
  t.ok(Date.now() - started < 5000, 'exits soon after the grace period')
  const over = running.server.entries().find((entry) => entry.msg === 'grace period over, exiting with requests still in flight')
  t.equal(over?.inFlight, SLOW_REQUESTS, 'logs how many requests were cut off')
  t.equal(over?.level, 50, 'at error level')
  await running.locker.query('COMMIT')
  await Promise.all(patches)
})

t.test('second signal exits at once', async (t) => {
  const running = await startWithLockedRows(t)
  const patches = patchAll(running).map(async (patch) => await patch.catch(() => undefined))
  await waitForLockWaiters(running.locker, SLOW_REQUESTS)

  process.kill(running.server.pid, 'SIGTERM')
  await running.server.waitForMessage(/^shutting down$/)
  const started = Date.now()
  process.kill(running.server.pid, 'SIGINT')
  t.equal(await running.server.closed, 1, 'exits with code 1')
  t.ok(Date.now() - started < 2000, 'without waiting for the requests')
  t.ok(running.server.entries().some((entry) => entry.msg === 'second signal, exiting now'), 'logs the second signal')
  await running.locker.query('COMMIT')
  await Promise.all(patches)
})

t.test('readiness during shutdown', async (t) => {
  const app = await buildTestApp(t)
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready' })
  app.shuttingDown = true
  const closing = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(closing.statusCode, 503, 'readyz is 503 once shutdown begins')
  t.ok(closing.headers['retry-after'], 'with Retry-After')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'healthz still 200: the process serves')
})
