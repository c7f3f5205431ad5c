import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { findFreePort } from '../src/db/embedded.js'
import { MAX_ATTEMPTS } from '../src/db/retry.js'
import { buildTestApp } from './helpers/app.js'

// Label values that dashboards rely on, as README.md documents them.
const UNMATCHED_ROUTE = '(no route)'
const NO_SQLSTATE = 'connection'
const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const METRIC_NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const COMMENT_LINE = new RegExp(`^# (HELP|TYPE) (${METRIC_NAME}) (.*)$`)
const SAMPLE_LINE = new RegExp(`^(${METRIC_NAME})(?:\\{(.*)\\})? (\\S+)(?: -?[0-9]+)?$`)
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

function unescapeLabel (value: string): string {
  return value.replace(/\\([\\"n])/g, (_match, char: string) => (char === 'n' ? '\n' : char))
}

/** Parses a sample value, accepting NaN and Inf in any case as Prometheus does (prom-client writes `Nan`). */
function parseValue (text: string): number {
  if (/^nan$/i.test(text)) return NaN
  const infinity = /^([+-]?)inf(?:inity)?$/i.exec(text)
  if (infinity !== null) return infinity[1] === '-' ? -Infinity : Infinity
  const value = Number(text)
  if (Number.isNaN(value)) {
    throw new Error(`not a sample value: ${text}`)
  }
  return value
}

/**
 * Parses the Prometheus text format (0.0.4). Throws on a malformed line, a
 * duplicate series, or a sample whose family has no TYPE line.
 */
function parseExposition (text: string): Sample[] {
  const types = new Map<string, string>()
  const samples: Sample[] = []
  const seen = new Set<string>()
  for (const [index, line] of text.split('\n').entries()) {
    const where = `line ${index + 1}: ${line}`
    if (line === '') {
      continue
    }
    if (line.startsWith('#')) {
      const comment = COMMENT_LINE.exec(line)
      if (comment === null) throw new Error(`malformed comment, ${where}`)
      const [, kind, name, rest] = comment as unknown as [string, string, string, string]
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`unknown type, ${where}`)
        types.set(name, rest)
      }
      continue
    }
    const match = SAMPLE_LINE.exec(line)
    if (match === null) throw new Error(`malformed sample, ${where}`)
    const [, name, labelText = '', valueText] = match as unknown as [string, string, string | undefined, string]
    const labels: Record<string, string> = {}
    LABEL_PAIR.lastIndex = 0
    while (LABEL_PAIR.lastIndex < labelText.length) {
      const pair = LABEL_PAIR.exec(labelText)
      if (pair === null) throw new Error(`malformed labels, ${where}`)
      const [, label, value] = pair as unknown as [string, string, string]
      if (label in labels) throw new Error(`duplicate label, ${where}`)
      labels[label] = unescapeLabel(value)
    }
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '')
    const type = types.get(family)
    if (type === undefined || (family !== name && type !== 'histogram' && type !== 'summary')) {
      throw new Error(`sample without a TYPE for its family, ${where}`)
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`
    if (seen.has(key)) throw new Error(`duplicate series, ${where}`)
    seen.add(key)
    samples.push({ name, labels, value: parseValue(valueText) })
  }
  return samples
}

class Scrape {
  constructor (readonly samples: Sample[]) {}

  /** Samples named `name` whose labels include `labels`. */
  all (name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter((sample) => sample.name === name &&
      Object.entries(labels).every(([label, value]) => sample.labels[label] === value))
  }

  /** The value of the one series with exactly these labels; undefined when absent. */
  value (name: string, labels: Record<string, string> = {}): number | undefined {
    const wanted = Object.keys(labels).length
    return this.all(name, labels).find((sample) => Object.keys(sample.labels).length === wanted)?.value
  }

  /** Sum over every series of `name`. */
  total (name: string): number {
    return this.all(name).reduce((sum, sample) => sum + sample.value, 0)
  }
}

async function scrape (t: Test, app: FastifyInstance): Promise<Scrape> {
  const response = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(response.statusCode, 200, 'GET /metrics is 200')
  t.equal(response.headers['content-type'], PROMETHEUS_CONTENT_TYPE, 'Prometheus text content type')
  return new Scrape(parseExposition(response.body))
}

t.test('the parser rejects what it must', async (t) => {
  t.throws(() => parseExposition('x 1\n'), /without a TYPE/)
  t.throws(() => parseExposition('# TYPE x counter\nx{a="1} 1\n'), /malformed/)
  t.throws(() => parseExposition('# TYPE x counter\nx one\n'), /not a sample value/)
  t.throws(() => parseExposition('# TYPE x counter\nx{a="1"} 1\nx{a="1"} 2\n'), /duplicate series/)
  t.same(parseExposition('# TYPE x gauge\nx{a="q\\"\\\\\\n",b=""} +Inf\n'), [
    { name: 'x', labels: { a: 'q"\\\n', b: '' }, value: Infinity }
  ])
  t.ok(Number.isNaN(parseExposition('# TYPE x gauge\nx Nan\n')[0]?.value), 'NaN in any case')
})

t.test('HTTP requests by method, route pattern and status', async (t) => {
  const app = await buildTestApp(t)
  app.get('/sleepy', async () => {
    await new Promise((resolve) => setTimeout(resolve, 120))
    return { ok: true }
  })

  const first = await scrape(t, app)
  t.same(first.all('http_requests_total'), [], 'nothing counted before any request')
  const second = await scrape(t, app)
  t.same(second.all('http_requests_total'), [], '/metrics itself is not counted')
  t.ok(second.value('process_cpu_user_seconds_total') !== undefined, 'process metrics present')
  t.ok((second.value('nodejs_heap_size_used_bytes') ?? 0) > 0, 'Node heap metrics present')

  const created = await app.inject({ method: 'POST', url: '/authors', payload: { name: 'Metric', bio: 'b' } })
  t.equal(created.statusCode, 201)
  const id = String(created.json().id)
  const statuses = await Promise.all([
    app.inject({ method: 'GET', url: `/authors/${id}` }),
    app.inject({ method: 'GET', url: `/authors/${id}` }),
    app.inject({ method: 'GET', url: '/authors/999999' }),
    app.inject({ method: 'GET', url: '/authors/abc' }),
    app.inject({ method: 'GET', url: '/no/such/path' }),
    app.inject({ method: 'GET', url: '/another/unknown/path?x=1' }),
    app.inject({ method: 'DELETE', url: '/books' }),
    app.inject({ method: 'GET', url: '/sleepy' })
  ]).then((responses) => responses.map((response) => response.statusCode))
  t.same(statuses, [200, 200, 404, 400, 404, 404, 405, 200], 'the requests got the statuses counted below')
  t.equal((await app.inject({ method: 'GET', url: '/metrics?x=1' })).statusCode, 400, 'unknown query parameters are 400 on /metrics too')

  const metrics = await scrape(t, app)
  const expected: Array<[method: string, route: string, status: string, count: number]> = [
    ['POST', '/authors', '201', 1],
    ['GET', '/authors/:id', '200', 2],
    ['GET', '/authors/:id', '404', 1],
    ['GET', '/authors/:id', '400', 1],
    ['GET', UNMATCHED_ROUTE, '404', 2],
    ['DELETE', UNMATCHED_ROUTE, '405', 1],
    ['GET', '/sleepy', '200', 1]
  ]
  for (const [method, route, status, count] of expected) {
    const labels = { method, route, status_code: status }
    const name = `${method} ${route} ${status}`
    t.equal(metrics.value('http_requests_total', labels), count, `${name}: request count`)
    t.equal(metrics.value('http_request_duration_seconds_count', labels), count, `${name}: histogram count`)
    t.equal(metrics.value('http_request_duration_seconds_bucket', { ...labels, le: '+Inf' }), count, `${name}: +Inf bucket`)
    const sum = metrics.value('http_request_duration_seconds_sum', labels) ?? NaN
    t.ok(sum > 0 && sum < 5 * count, `${name}: duration sum ${sum} s is plausible`)
    const buckets = metrics.all('http_request_duration_seconds_bucket', labels).map((sample) => sample.value)
    t.ok(buckets.length > 2 && buckets.every((value, index) => index === 0 || value >= (buckets[index - 1] ?? 0)), `${name}: buckets are cumulative`)
  }
  const total = expected.reduce((sum, [, , , count]) => sum + count, 0)
  t.equal(metrics.total('http_requests_total'), total, 'no other request was counted, /metrics included')
  t.same(
    [...new Set(metrics.all('http_requests_total').map((sample) => sample.labels.route))].sort(),
    ['(no route)', '/authors', '/authors/:id', '/sleepy'],
    'route labels are patterns; unknown URLs share one label'
  )

  // The duration is in seconds: 120 ms is above 0.1 and, even on a busy
  // machine, under 2.5 (in milliseconds it would be above).
  const sleepy = { method: 'GET', route: '/sleepy', status_code: '200' }
  t.equal(metrics.value('http_request_duration_seconds_bucket', { ...sleepy, le: '0.1' }), 0, '120 ms is not under 0.1 s')
  t.equal(metrics.value('http_request_duration_seconds_bucket', { ...sleepy, le: '2.5' }), 1, '120 ms is under 2.5 s')
})

t.test('pool gauges are read when scraped', async (t) => {
  const app = await buildTestApp(t, { DATABASE_POOL_MAX: '2' })
  const gauges = (metrics: Scrape): Record<string, number | undefined> => ({
    connections: metrics.value('db_pool_connections'),
    idle: metrics.value('db_pool_idle'),
    waiting: metrics.value('db_pool_waiting')
  })

  const initial = gauges(await scrape(t, app))
  const { connections = NaN, idle = NaN, waiting = NaN } = initial
  t.ok(Number.isInteger(connections) && connections <= 2 && idle >= 0 && idle <= connections && waiting === 0,
    `plausible before use: ${JSON.stringify(initial)}`)

  const first = await app.pool.connect()
  const second = await app.pool.connect()
  const third = app.pool.connect()
  try {
    t.same(gauges(await scrape(t, app)), { connections: 2, idle: 0, waiting: 1 }, 'both connections in use and one caller waiting')
  } finally {
    first.release()
  }
  const handedOver = await third
  try {
    t.same(gauges(await scrape(t, app)), { connections: 2, idle: 0, waiting: 0 }, 'the released connection went to the waiting caller')
  } finally {
    // Checked-out connections would keep app.close() waiting.
    second.release()
    handedOver.release()
  }
  t.same(gauges(await scrape(t, app)), { connections: 2, idle: 2, waiting: 0 }, 'both connections idle')
})

t.test('database errors by SQLSTATE class', async (t) => {
  const app = await buildTestApp(t)
  await app.pool.query('CREATE SEQUENCE raise_attempts')
  await app.pool.query("SELECT nextval('raise_attempts')")
  const attemptsSoFar = async (): Promise<number> =>
    Number((await app.pool.query<{ value: string }>('SELECT last_value::text AS value FROM raise_attempts')).rows[0]?.value)

  // Raises a real Postgres error, counting attempts in a sequence, which
  // a rollback does not reset (as in test/errors/database-errors.test.ts).
  app.get<{ Params: { sqlState: string } }>('/raise/:sqlState', async (request) => {
    const sqlState = request.params.sqlState.replace(/[^0-9A-Z]/g, '')
    await app.db.query(
      `DO $$ BEGIN PERFORM nextval('raise_attempts'); RAISE EXCEPTION 'raised' USING ERRCODE = '${sqlState}'; END $$`,
      []
    )
    return { ok: true }
  })
  // Fails with a serialization failure on its first attempt only.
  await app.pool.query('CREATE SEQUENCE flaky_attempts')
  app.get('/flaky', async () => {
    await app.db.query(
      "DO $$ BEGIN IF nextval('flaky_attempts') = 1 THEN RAISE EXCEPTION 'raised' USING ERRCODE = '40001'; END IF; END $$",
      []
    )
    return { ok: true }
  })

  const errorsByClass = async (): Promise<Record<string, number>> => Object.fromEntries(
    (await scrape(t, app)).all('db_query_errors_total').map((sample) => [sample.labels.sqlstate_class, sample.value])
  )
  t.same(await errorsByClass(), {}, 'no errors before any query failed')

  t.equal((await app.inject({ method: 'GET', url: '/raise/23505' })).statusCode, 409)
  t.same(await errorsByClass(), { 23: 1 }, 'a unique violation counts once in class 23')

  const before = await attemptsSoFar()
  t.equal((await app.inject({ method: 'GET', url: '/raise/40001' })).statusCode, 503)
  const attempts = await attemptsSoFar() - before
  t.equal(attempts, MAX_ATTEMPTS, 'the serialization failure was retried')
  t.same(await errorsByClass(), { 23: 1, 40: MAX_ATTEMPTS }, 'every attempt of a retried statement counts')

  t.equal((await app.inject({ method: 'GET', url: '/flaky' })).statusCode, 200)
  t.same(await errorsByClass(), { 23: 1, 40: MAX_ATTEMPTS + 1 }, 'a failed attempt counts although its retry succeeded')

  t.equal((await app.inject({ method: 'GET', url: '/raise/XX000' })).statusCode, 500)
  t.same(await errorsByClass(), { 23: 1, 40: MAX_ATTEMPTS + 1, XX: 1 }, 'an internal error counts in class XX')

  // Errors that do not come from the database count nothing.
  t.equal((await app.inject({ method: 'GET', url: '/authors/abc' })).statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url: '/authors/999999' })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/nowhere' })).statusCode, 404)
  t.same(await errorsByClass(), { 23: 1, 40: MAX_ATTEMPTS + 1, XX: 1 }, 'validation errors and 404s are not query errors')

  // A failure inside withTransaction: a duplicate ISBN among new books.
  const isbn = '9780306406157'
  const duplicate = await app.inject({
    method: 'POST',
    url: '/authors',
    payload: { name: 'Twice', bio: 'b', books: [{ title: 'One', isbn }, { title: 'Two', isbn }] }
  })
  t.equal(duplicate.statusCode, 409)
  t.same(await errorsByClass(), { 23: 2, 40: MAX_ATTEMPTS + 1, XX: 1 }, 'a failed transaction counts once')
})

t.test('connection errors count under a fixed class', async (t) => {
  const port = await findFreePort()
  const app = await buildTestApp(t, {
    DATABASE_URL: `postgres://nobody:secret-pw@127.0.0.1:${port}/none`,
    DATABASE_CONNECT_TIMEOUT_MS: '500'
  })
  t.equal((await app.inject({ method: 'GET', url: '/authors' })).statusCode, 503)
  const metrics = await scrape(t, app)
  t.same(
    metrics.all('db_query_errors_total').map((sample) => sample.labels),
    [{ sqlstate_class: NO_SQLSTATE }],
    'only the connection class'
  )
  t.equal(metrics.value('db_query_errors_total', { sqlstate_class: NO_SQLSTATE }), 1, 'counted once')
  t.equal(metrics.value('db_pool_connections'), 0, 'no connection was made')
  t.equal(metrics.value('http_requests_total', { method: 'GET', route: '/authors', status_code: '503' }), 1, 'the 503 is counted')
})

t.test('/metrics stays out of the request log at info', async (t) => {
  const lines: string[] = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter((line) => line !== ''))
      callback()
    }
  })
  const app = await buildTestApp(t, { LOG_LEVEL: 'info' }, { logStream: stream })
  t.equal((await app.inject({ method: 'GET', url: '/authors' })).statusCode, 200)
  await scrape(t, app)
  const completed = lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === 'request completed')
  t.same(completed.map((entry) => entry.route), ['/authors'], 'only the API request is logged')
})

t.test('each app has its own registry', async (t) => {
  const one = await buildTestApp(t)
  const two = await buildTestApp(t)
  t.equal((await one.inject({ method: 'GET', url: '/authors' })).statusCode, 200)
  const labels = { method: 'GET', route: '/authors', status_code: '200' }
  t.equal((await scrape(t, one)).value('http_requests_total', labels), 1, 'the first app counts its request')
  const other = await scrape(t, two)
  t.same(other.all('http_requests_total'), [], 'the second app does not see it')
  t.ok(other.value('process_cpu_user_seconds_total') !== undefined, 'both apps report process metrics')
})
