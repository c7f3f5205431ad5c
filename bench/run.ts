// `just bench`: measures what the service costs per request against two
// ceilings measured in the same run. See docs/benchmarks.md for the method
// and `just bench --help` for the options.
//
// Steps: build dist/, prepare Postgres (a throwaway embedded one, or
// DATABASE_URL), seed it, start `node dist/src/server.js`, then for each
// scenario let the service, the database ceiling and the HTTP ceiling take
// turns under the same load, and print the tables. Every process it
// started is stopped on success, on failure and on SIGINT or SIGTERM.

import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { DatabaseCeiling, startBareServer, type ChildContext } from './ceilings.js'
import { seed, startThrowawayPostgres, useDatabaseUrl, type BenchDatabase } from './database.js'
import { runHttpLoad, type HttpLoad } from './http-load.js'
import { parseOptions, UsageError, USAGE, type BenchOptions } from './options.js'
import { peakRssBytes, resetPeakRss } from './proc.js'
import { stopAll } from './processes.js'
import { summarizeProfile } from './profile.js'
import { detailTable, errorLines, profileReport, summaryTable, type ScenarioResult } from './report.js'
import { SCENARIOS, type Scenario, type SeedInfo } from './scenarios.js'
import { buildService, startService, type RunningService } from './service.js'
import { RunTotals, type RunResult } from './stats.js'

const root = dirname(dirname(fileURLToPath(import.meta.url)))

/** Thrown when SIGINT or SIGTERM ended the run. */
class Interrupted extends Error {
  override name = 'Interrupted'
}

const interruption = new AbortController()

function checkInterrupted (): void {
  if (interruption.signal.aborted) {
    throw new Interrupted('interrupted')
  }
}

function log (message: string): void {
  process.stderr.write(`bench: ${message}\n`)
}

/** Returns the environment every child starts from: only PATH, HOME and TMPDIR of this shell. */
function baseEnv (): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const name of ['PATH', 'HOME', 'TMPDIR']) {
    if (process.env[name] !== undefined) {
      env[name] = process.env[name]
    }
  }
  return env
}

/** Sends the scenario's sample request and returns the response body, which must have the success status. */
async function sampleBody (service: RunningService, scenario: Scenario, seedInfo: SeedInfo): Promise<string> {
  const request = scenario.sampleRequest(seedInfo)
  const response = await fetch(`${service.url}${request.path}`, {
    method: request.method,
    ...(request.body === undefined ? {} : { body: request.body, headers: { 'content-type': 'application/json' } })
  })
  const body = await response.text()
  if (response.status !== scenario.status) {
    throw new Error(`${request.method} ${request.path} returned ${response.status}, expected ${scenario.status}: ${body}`)
  }
  return body
}

/** A running service with the label of its settings, as the report shows it. */
interface LabeledService {
  label: string
  service: RunningService
}

/** One kind of run in a scenario, and the totals of its slices. */
interface Turn {
  totals: RunTotals
  run: (durationS: number, totals: RunTotals) => Promise<void>
}

/**
 * Measures one scenario: each service, the database ceiling and the HTTP
 * ceiling get `warmupS` of unmeasured load, then take turns in slices
 * until each has had `durationS` of measured load.
 */
async function runScenario (
  context: ChildContext,
  options: BenchOptions,
  database: BenchDatabase,
  services: LabeledService[],
  scenario: Scenario,
  seedInfo: SeedInfo
): Promise<ScenarioResult> {
  const main = services[0]?.service
  if (main === undefined) {
    throw new Error('runScenario needs a service')
  }
  const body = await sampleBody(main, scenario, seedInfo)
  const bare = await startBareServer(context, scenario, body)
  const ceiling = new DatabaseCeiling(database.connectionString, options.poolMax, options.ceilingStatements)
  try {
    const httpLoad = (url: string, targetPid: number, postmasterPid: number | undefined): Omit<HttpLoad, 'durationS'> => ({
      url,
      connections: options.connections,
      scenario,
      seed: seedInfo,
      targetPid,
      postmasterPid,
      signal: interruption.signal
    })
    const databaseLoad = {
      scenario,
      seed: seedInfo,
      concurrency: options.connections,
      postmasterPid: database.postmasterPid
    }
    const bareLoad = httpLoad(bare.url, bare.child.pid, undefined)

    // One turn per kind of run: each service, the database ceiling and the
    // HTTP ceiling, each adding its slices to its own totals.
    const makeTurns = (): Turn[] => [
      ...services.map(({ service }): Turn => ({
        totals: new RunTotals(true),
        run: async (durationS, totals) => {
          const load = httpLoad(service.url, service.child.pid, database.postmasterPid)
          await runHttpLoad({ ...load, durationS }, totals)
        }
      })),
      {
        totals: new RunTotals(false),
        run: async (durationS, totals) => { await ceiling.run({ ...databaseLoad, durationS }, totals) }
      },
      {
        totals: new RunTotals(true),
        run: async (durationS, totals) => { await runHttpLoad({ ...bareLoad, durationS }, totals) }
      }
    ]
    // Round r starts with turn r modulo the number of turns, so that every
    // kind of run takes every place in the order equally often. With a fixed
    // order, the second of two services with the same settings measured 6 %
    // faster than the first.
    const round = async (index: number, durationS: number, turns: Turn[]): Promise<void> => {
      const first = index % turns.length
      for (const turn of [...turns.slice(first), ...turns.slice(0, first)]) {
        await turn.run(durationS, turn.totals)
        checkInterrupted()
      }
    }

    if (options.warmupS > 0) {
      log(`${scenario.name}: warming up`)
      await round(0, options.warmupS, makeTurns())
    }
    const measured = makeTurns()
    const rounds = measured.length * Math.max(1, Math.round(options.durationS / options.sliceS / measured.length))
    log(`${scenario.name}: ${rounds} rounds of ${measured.length} turns`)
    let peakRssPerScenario = true
    for (const { service } of services) {
      peakRssPerScenario &&= resetPeakRss(service.child.pid)
    }
    for (let index = 0; index < rounds; index++) {
      await round(index, options.durationS / rounds, measured)
    }
    const results = measured.map((turn) => turn.totals.result())
    const [databaseResult, httpResult] = results.slice(services.length)
    if (databaseResult === undefined || httpResult === undefined) {
      throw new Error('the ceilings have no turns')
    }

    return {
      name: scenario.name,
      title: scenario.title,
      services: services.map(({ label, service }, index) => ({
        label,
        run: results[index] as RunResult,
        // A service idles during the other turns, so this is its peak under load.
        peakRssBytes: peakRssBytes(service.child.pid)
      })),
      peakRssPerScenario,
      database: databaseResult,
      http: httpResult
    }
  } finally {
    await bare.child.stop()
    await ceiling.end()
  }
}

/** Names the main service's process and log file. */
const MAIN_SERVICE = 'service'

/** Starts the service, and a second one with options.compare's variables when given. */
async function startServices (
  context: ChildContext,
  options: BenchOptions,
  connectionString: string,
  profileDir: string | undefined
): Promise<LabeledService[]> {
  const settings = { connectionString, poolMax: options.poolMax, logLevel: options.logLevel }
  const main = await startService(context, { ...settings, name: MAIN_SERVICE, overrides: {}, profileDir })
  const services: LabeledService[] = [{ label: '', service: main }]
  if (options.compare !== undefined) {
    const overrides = options.compare
    const label = Object.entries(overrides).map(([name, value]) => `${name}=${value}`).join(' ')
    log(`starting a second service with ${label}`)
    const compared = await startService(context, { ...settings, name: 'compared-service', overrides, profileDir: undefined })
    services.push({ label, service: compared })
  }
  return services
}

async function postgresVersion (connectionString: string): Promise<string> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    const result = await client.query<{ server_version: string }>('SHOW server_version')
    return result.rows[0]?.server_version ?? 'unknown'
  } finally {
    await client.end()
  }
}

/** Formats the lines above the tables: date, machine, software and settings. */
function header (options: BenchOptions, database: BenchDatabase, postgres: string, load: number[]): string {
  const cpu = cpus()
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; ` +
      `load average before the run ${load.map((value) => value.toFixed(2)).join(' ')}`,
    `software: Node.js ${process.version}, Postgres ${postgres}, ${database.description}`,
    `settings: ${options.connections} connections; per scenario, ${options.durationS} s each for the service ` +
      `and both ceilings, in turns of ${options.sliceS} s, after ${options.warmupS} s of warm-up each; ` +
      `DATABASE_POOL_MAX ${options.poolMax}, LOG_LEVEL ${options.logLevel}, ` +
      `${options.ceilingStatements} statements in the database ceiling` +
      (options.smoke ? ', smoke mode' : '')
  ].join('\n')
}

async function run (options: BenchOptions): Promise<number> {
  const loadBefore = loadavg()
  log('building dist/')
  buildService(root)
  checkInterrupted()

  const databaseUrl = process.env.DATABASE_URL
  let database: BenchDatabase | undefined
  const workDir = await mkdtemp(join(tmpdir(), 'authors-bench-run-'))
  try {
    if (databaseUrl !== undefined && databaseUrl !== '') {
      log('using DATABASE_URL; the seed writes to that database')
      database = await useDatabaseUrl(databaseUrl, options.allowExistingData)
    } else {
      log('starting a throwaway embedded Postgres')
      database = await startThrowawayPostgres()
    }
    checkInterrupted()

    log(`seeding ${options.authors} authors and ${options.books} books`)
    const seedInfo = await seed(database.connectionString, options.authors, options.books)
    const postgres = await postgresVersion(database.connectionString)
    checkInterrupted()

    const profileDir = options.profileDir === undefined ? undefined : resolve(options.profileDir)
    if (profileDir !== undefined) {
      await mkdir(profileDir, { recursive: true })
    }
    const context: ChildContext = { root, workDir, baseEnv: baseEnv() }
    const services = await startServices(context, options, database.connectionString, profileDir)

    const results: ScenarioResult[] = []
    for (const name of options.scenarios) {
      const scenario = SCENARIOS[name]
      if (scenario.needsBooks && seedInfo.books === undefined) {
        log(`${name}: skipped, because the seed has no books`)
        continue
      }
      results.push(await runScenario(context, options, database, services, scenario, seedInfo))
    }

    for (const { service } of services) {
      await service.child.stop()
      if (service.child.exitCode !== 0) {
        throw new Error(service.child.describeExit())
      }
    }
    const logBytes = (await stat(join(workDir, `${MAIN_SERVICE}.log`))).size

    const output = [
      header(options, database, postgres, loadBefore),
      `service log: ${(logBytes / 2 ** 20).toFixed(1)} MB of JSON lines at LOG_LEVEL ${options.logLevel}`,
      '',
      summaryTable(results),
      '',
      detailTable(results)
    ]
    if (results.some((result) => !result.peakRssPerScenario)) {
      output.push('', '* peak since the service started, because this kernel does not let the harness reset VmHWM')
    }
    if (profileDir !== undefined) {
      output.push('', profileReport(await summarizeProfile(profileDir, root)))
    }
    process.stdout.write(output.join('\n') + '\n')

    if (options.jsonFile !== undefined) {
      await writeFile(options.jsonFile, JSON.stringify({ options, seed: seedInfo, results }, null, 2) + '\n')
    }

    const errors = errorLines(results)
    for (const line of errors) {
      log(line)
    }
    return errors.length === 0 ? 0 : 1
  } finally {
    await stopAll()
    await database?.stop()
    await rm(workDir, { recursive: true, force: true })
  }
}

async function main (): Promise<void> {
  let options: BenchOptions | undefined
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}`)
      process.exitCode = 2
      return
    }
    throw error
  }
  if (options === undefined) {
    process.stdout.write(USAGE)
    return
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (!interruption.signal.aborted) {
        log(`${signal} received; stopping the processes it started`)
        interruption.abort()
        void stopAll()
      }
    })
  }

  try {
    process.exitCode = await run(options)
  } catch (error) {
    // After a signal, a child that was stopped fails its step: not an error.
    if (error instanceof Interrupted || interruption.signal.aborted) {
      process.exitCode = 130
      return
    }
    log(`failed: ${(error as Error).message}`)
    process.exitCode = 1
  }
}

await main()
