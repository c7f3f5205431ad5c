import pg from 'pg'
import t from 'tap'
import { seed, useDatabaseUrl } from '../bench/database.js'
import { parseOptions, UsageError } from '../bench/options.js'
import { summaryTable } from '../bench/report.js'
import { LatencyRecorder, RunTotals } from '../bench/stats.js'
import { createTestDatabase } from './helpers/database.js'

t.test('bench options', async (t) => {
  const defaults = parseOptions([])
  t.equal(defaults?.connections, 50, '50 connections by default')
  t.equal(defaults?.durationS, 10, '10 s per scenario by default')
  t.equal(defaults?.poolMax, 10, 'the service default pool size')
  t.equal(defaults?.logLevel, 'info', 'production log level')
  t.same(defaults?.scenarios, ['get-author', 'list-authors', 'get-book', 'create-author'], 'every scenario, writes last')

  const smoke = parseOptions(['--smoke'])
  t.equal(smoke?.durationS, 1, 'smoke runs 1 s')
  t.equal(smoke?.authors, 200, 'smoke seeds 200 authors')

  t.same(parseOptions(['--scenario', 'create-author', '--scenario', 'get-author'])?.scenarios,
    ['get-author', 'create-author'], 'chosen scenarios keep the standard order')
  t.equal(parseOptions(['--help']), undefined, 'help returns no options')
  t.throws(() => parseOptions(['--connections', '0']), UsageError, 'zero connections is rejected')
  t.throws(() => parseOptions(['--scenario', 'delete-all']), UsageError, 'unknown scenario is rejected')
  t.throws(() => parseOptions(['--log-level', 'loud']), UsageError, 'unknown log level is rejected')
  t.throws(() => parseOptions(['--durations', '5']), UsageError, 'unknown option is rejected')
})

t.test('latency percentiles', async (t) => {
  const recorder = new LatencyRecorder()
  for (let ms = 100; ms >= 1; ms--) {
    recorder.record(ms)
  }
  t.same(recorder.summary(), { p50: 50, p99: 99, max: 100 }, 'nearest rank over 1 to 100 ms')
  t.same(new LatencyRecorder().summary(), { p50: 0, p99: 0, max: 0 }, 'zero without samples')
})

t.test('run totals and summary table', async (t) => {
  const totals = (perSecond: number): RunTotals => {
    const run = new RunTotals(true)
    for (let index = 0; index < perSecond; index++) {
      run.latencies.record(1)
    }
    run.elapsedS = 1
    run.target.add(0, 0.5)
    return run
  }
  const service = totals(300).result()
  t.equal(service.perSecond, 300, 'completed per second')
  t.equal(service.cpu.target, 0.5, 'CPU time as a share of one core')
  t.equal(new RunTotals(false).result().cpu.loadGenerator, undefined, 'no load generator CPU for the database ceiling')

  const table = summaryTable([{
    name: 'get-author',
    title: 'GET /authors/{id}',
    services: [{ label: '', run: service, peakRssBytes: 100 * 2 ** 20 }],
    peakRssPerScenario: true,
    database: totals(600).result(),
    http: totals(1000).result()
  }])
  t.match(table, /\| GET \/authors\/\{id\} \| 300 \|/, 'the row starts with the scenario and its rate')
  t.match(table, /\| 600 \| 50 % \| 1,000 \| 30 % \|$/, 'the row ends with both ceilings and ratios')
})

t.test('bench seed', async (t) => {
  const databaseUrl = await createTestDatabase(t)
  const database = await useDatabaseUrl(databaseUrl, false)
  t.match(database.description, /^DATABASE_URL/, 'describes the database it uses')
  t.notOk(database.description.includes(new URL(databaseUrl).password || 'no password'), 'leaves out the password')

  const info = await seed(databaseUrl, 30, 90)
  t.equal(info.authors.last - info.authors.first + 1, 30, 'author ids form one range')
  t.equal((info.books?.last ?? 0) - (info.books?.first ?? 0) + 1, 90, 'book ids form one range')

  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  t.teardown(async () => { await client.end() })
  const books = await client.query<{ count: string, authors: string }>(
    'SELECT count(*) AS count, count(DISTINCT author_id) AS authors FROM books WHERE isbn IS NOT NULL'
  )
  t.same(books.rows[0], { count: '90', authors: '30' }, 'every book has an ISBN, and every author books')

  await t.rejects(useDatabaseUrl(databaseUrl, false), /already has authors.*--allow-existing-data/,
    'a database with authors is rejected')
  await t.resolves(useDatabaseUrl(databaseUrl, true), 'unless existing data is allowed')
  const again = await seed(databaseUrl, 30, 90)
  t.ok(again.books !== undefined && again.books.first > (info.books?.last ?? 0), 'a second seed adds new books')
})
