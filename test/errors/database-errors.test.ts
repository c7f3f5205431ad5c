import { Writable } from 'node:stream'
import t from 'tap'
import { MAX_ATTEMPTS } from '../../src/db/retry.js'
import { findFreePort } from '../../src/db/embedded.js'
import { buildTestApp } from '../helpers/app.js'

/** Text raised with every error; it must never reach a response. */
const DRIVER_TEXT = 'internal driver text 7f3a'

interface Case {
  sqlState: string
  status: number
  retryAfter: boolean
  attempts: number
}

// One row per SQLSTATE kind the error handler maps.
const cases: Case[] = [
  { sqlState: '23505', status: 409, retryAfter: false, attempts: 1 },
  { sqlState: '23503', status: 422, retryAfter: false, attempts: 1 },
  { sqlState: '23001', status: 409, retryAfter: false, attempts: 1 },
  { sqlState: '23502', status: 400, retryAfter: false, attempts: 1 },
  { sqlState: '23514', status: 400, retryAfter: false, attempts: 1 },
  { sqlState: '22P02', status: 400, retryAfter: false, attempts: 1 },
  { sqlState: '22001', status: 400, retryAfter: false, attempts: 1 },
  { sqlState: '40001', status: 503, retryAfter: true, attempts: MAX_ATTEMPTS },
  { sqlState: '40P01', status: 503, retryAfter: true, attempts: MAX_ATTEMPTS },
  { sqlState: '57014', status: 503, retryAfter: true, attempts: 1 },
  { sqlState: '57P01', status: 503, retryAfter: true, attempts: 1 },
  { sqlState: '08006', status: 503, retryAfter: true, attempts: 1 },
  { sqlState: '53300', status: 503, retryAfter: true, attempts: 1 },
  { sqlState: 'XX000', status: 500, retryAfter: false, attempts: 1 },
  { sqlState: '42P01', status: 500, retryAfter: false, attempts: 1 }
]

/** Collects the app's JSON log lines. */
function logSink (): { stream: Writable, entries: () => Array<Record<string, unknown>> } {
  const lines: string[] = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter((line) => line !== ''))
      callback()
    }
  })
  return { stream, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) }
}

t.test('SQLSTATE mapping', async (t) => {
  const logs = logSink()
  const app = await buildTestApp(t, { LOG_LEVEL: 'info' }, { logStream: logs.stream })
  await app.pool.query('CREATE SEQUENCE raise_attempts')
  await app.pool.query("SELECT nextval('raise_attempts')")

  // Raises a real Postgres error with the SQLSTATE in the path, counting
  // attempts in a sequence, which a rollback does not reset.
  app.get<{ Params: { sqlState: string } }>('/raise/:sqlState', async (request) => {
    const sqlState = request.params.sqlState.replace(/[^0-9A-Z]/g, '')
    await app.db.query(
      `DO $$ BEGIN PERFORM nextval('raise_attempts'); RAISE EXCEPTION '${DRIVER_TEXT}' USING ERRCODE = '${sqlState}'; END $$`,
      []
    )
    return { ok: true }
  })

  // Request ids that do not contain the SQLSTATE, which the body must omit.
  const requestIdFor = (sqlState: string): string => `raise-${cases.findIndex((item) => item.sqlState === sqlState)}`

  for (const { sqlState, status, retryAfter, attempts } of cases) {
    t.test(`${sqlState} becomes ${status}`, async (t) => {
      const before = await app.pool.query<{ value: string }>('SELECT last_value::text AS value FROM raise_attempts')
      const response = await app.inject({ method: 'GET', url: `/raise/${sqlState}`, headers: { 'x-request-id': requestIdFor(sqlState) } })
      const after = await app.pool.query<{ value: string }>('SELECT last_value::text AS value FROM raise_attempts')

      t.equal(response.statusCode, status, 'status')
      t.match(String(response.headers['content-type']), /^application\/problem\+json/, 'problem content type')
      t.equal(response.json().status, status, 'status in body')
      t.notOk(response.body.includes(DRIVER_TEXT), 'no driver text in the body')
      t.notOk(response.body.includes(sqlState), 'no SQLSTATE in the body')
      t.equal(response.headers['retry-after'] !== undefined, retryAfter, 'Retry-After present when retrying can help')
      t.equal(Number(after.rows[0]?.value) - Number(before.rows[0]?.value), attempts, 'attempts made')
    })
  }

  t.test('logs leave out credentials', async (t) => {
    const response = await app.inject({
      method: 'GET',
      url: '/raise/XX000',
      headers: { authorization: 'Bearer token-9d2c', cookie: 'session=cookie-41ab', 'x-request-id': 'credentials' }
    })
    t.equal(response.statusCode, 500)
    const lines = JSON.stringify(logs.entries().filter((entry) => entry.reqId === 'credentials'))
    t.ok(lines.includes('request failed'), 'the failure is logged')
    t.notOk(lines.includes('token-9d2c'), 'no authorization header value')
    t.notOk(lines.includes('cookie-41ab'), 'no cookie value')
  })

  t.test('5xx logged with request id and SQLSTATE', async (t) => {
    const failures = logs.entries().filter((entry) => entry.msg === 'request failed')
    const internal = failures.find((entry) => entry.reqId === requestIdFor('XX000'))
    t.ok(internal, 'the 500 is logged under its request id')
    t.equal(internal?.sqlState, 'XX000', 'with its SQLSTATE')
    t.equal(internal?.level, 50, 'at error level')
    const unavailable = failures.find((entry) => entry.reqId === requestIdFor('40001'))
    t.equal(unavailable?.sqlState, '40001', 'the 503 is logged too')
  })
})

t.test('constraint errors name the field', async (t) => {
  const app = await buildTestApp(t)
  await app.pool.query(`
    CREATE TABLE gadgets (
      id int PRIMARY KEY,
      serial_number text UNIQUE,
      author_id bigint REFERENCES authors (id)
    )`)
  app.post<{ Body: { id: number, serialNumber: string, authorId: number | null } }>('/gadgets', async (request, reply) => {
    const { id, serialNumber, authorId } = request.body
    await app.db.query('INSERT INTO gadgets VALUES ($1, $2, $3)', [id, serialNumber, authorId])
    return await reply.code(201).send({ id })
  })
  const author = (await app.inject({ method: 'POST', url: '/authors', payload: { name: 'Owner', bio: 'b' } })).json()

  t.test('unique violation is 409 naming the field', async (t) => {
    t.equal((await app.inject({ method: 'POST', url: '/gadgets', payload: { id: 1, serialNumber: 'S-1', authorId: null } })).statusCode, 201)
    const response = await app.inject({ method: 'POST', url: '/gadgets', payload: { id: 2, serialNumber: 'S-1', authorId: null } })
    t.equal(response.statusCode, 409)
    t.match(response.json().detail, /serialNumber/, 'names the field in camelCase')
    t.notOk(response.body.includes('S-1'), 'does not echo the value')
    t.notOk(response.body.includes('gadgets_serial_number_key'), 'does not name the constraint')
  })

  t.test('missing reference is 422 naming the field', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/gadgets', payload: { id: 3, serialNumber: 'S-3', authorId: 999999 } })
    t.equal(response.statusCode, 422)
    t.match(response.json().detail, /authorId/)
  })

  t.test('deleting a referenced row is 409', async (t) => {
    t.equal((await app.inject({ method: 'POST', url: '/gadgets', payload: { id: 4, serialNumber: 'S-4', authorId: author.id } })).statusCode, 201)
    const response = await app.inject({ method: 'DELETE', url: `/authors/${String(author.id)}` })
    t.equal(response.statusCode, 409)
    t.match(response.json().detail, /still referenced/)
    t.equal((await app.inject({ method: 'GET', url: `/authors/${String(author.id)}` })).statusCode, 200, 'the author remains')
  })
})

t.test('statement timeout is 503', async (t) => {
  const app = await buildTestApp(t, { DATABASE_STATEMENT_TIMEOUT_MS: '50' })
  app.get('/slow', async () => {
    await app.db.query('SELECT pg_sleep(2)', [])
    return { ok: true }
  })
  const started = Date.now()
  const response = await app.inject({ method: 'GET', url: '/slow' })
  t.equal(response.statusCode, 503)
  t.ok(response.headers['retry-after'], 'Retry-After')
  t.ok(Date.now() - started < 1500, 'cancelled by statement_timeout, not left to finish')
})

t.test('unreachable database is 503', async (t) => {
  const port = await findFreePort()
  const app = await buildTestApp(t, {
    DATABASE_URL: `postgres://nobody:secret-pw@127.0.0.1:${port}/none`,
    DATABASE_CONNECT_TIMEOUT_MS: '500'
  })
  const started = Date.now()
  const response = await app.inject({ method: 'GET', url: '/authors' })
  t.equal(response.statusCode, 503)
  t.ok(response.headers['retry-after'], 'Retry-After')
  t.match(String(response.headers['content-type']), /^application\/problem\+json/)
  t.notOk(response.body.includes('ECONNREFUSED'), 'no driver text')
  t.notOk(response.body.includes('secret-pw'), 'no password')
  t.ok(Date.now() - started < 3000, 'fails fast')
})
