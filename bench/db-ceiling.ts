// The database ceiling: runs one scenario's SQL through pg directly, with
// no HTTP, Fastify or retry wrapper in between, at the same concurrency and
// pool size as the service, and prints its RunResult as one JSON line.
// bench/run.ts starts it as a child process, so it has a Node.js main
// thread of its own, as the service has. Input comes from the environment:
// BENCH_DATABASE_URL (kept off the command line, which every local user
// can read) and BENCH_CEILING, a JSON CeilingConfig. It prints
// MEASURING_LINE when the measured time starts, so that the harness can
// read Postgres's CPU time from then on.

import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { IDatabaseConnection } from '@pgtyped/runtime'
import pg from 'pg'
import { typeParsers } from '../src/db/pool.js'
import { MEASURING_LINE, type CeilingConfig } from './ceilings.js'
import type { StatementMode } from './options.js'
import { SCENARIOS } from './scenarios.js'
import { LatencyRecorder, type RunResult } from './stats.js'

/**
 * A connection for the generated queries that runs each statement on the
 * pool, as a named (prepared) statement or an unnamed one.
 */
function poolConnection (pool: pg.Pool, statements: StatementMode): IDatabaseConnection {
  const names = new Map<string, string>()
  const nameOf = (text: string): string => {
    let name = names.get(text)
    if (name === undefined) {
      name = 'bench_' + createHash('sha1').update(text).digest('hex').slice(0, 16)
      names.set(text, name)
    }
    return name
  }
  return {
    query: async (text: string, values: unknown[]) => {
      const config = statements === 'named' ? { name: nameOf(text), text, values } : { text, values }
      const result = await pool.query(config)
      return { rows: result.rows, rowCount: result.rowCount ?? 0 }
    }
  }
}

interface LoopTotals {
  latencies: LatencyRecorder
  errors: number
  firstError: string | undefined
}

/** Runs `concurrency` loops of the scenario's step until `endAt`, recording when `totals` is given. */
async function runLoops (
  config: CeilingConfig,
  db: IDatabaseConnection,
  endAt: number,
  totals: LoopTotals | undefined
): Promise<void> {
  const scenario = SCENARIOS[config.scenario]
  const loop = async (): Promise<void> => {
    const step = scenario.databaseStep(db, config.seed)
    while (performance.now() < endAt) {
      const started = performance.now()
      try {
        await step()
        totals?.latencies.record(performance.now() - started)
      } catch (error) {
        if (totals !== undefined) {
          totals.errors++
          totals.firstError ??= (error as Error).message
        }
      }
    }
  }
  await Promise.all(Array.from({ length: config.concurrency }, loop))
}

async function main (): Promise<void> {
  const connectionString = process.env.BENCH_DATABASE_URL
  const configText = process.env.BENCH_CEILING
  if (connectionString === undefined || configText === undefined) {
    throw new Error('BENCH_DATABASE_URL and BENCH_CEILING must be set; bench/run.ts sets them')
  }
  const config = JSON.parse(configText) as CeilingConfig
  const pool = new pg.Pool({
    connectionString,
    max: config.poolMax,
    application_name: 'authors-bench-ceiling',
    types: typeParsers
  })
  try {
    const db = poolConnection(pool, config.statements)
    await runLoops(config, db, performance.now() + config.warmupS * 1000, undefined)

    const totals: LoopTotals = { latencies: new LatencyRecorder(), errors: 0, firstError: undefined }
    process.stdout.write(MEASURING_LINE + '\n')
    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    await runLoops(config, db, started + config.durationS * 1000, totals)
    const elapsedS = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)

    const result: RunResult = {
      completed: totals.latencies.count,
      elapsedS,
      perSecond: totals.latencies.count / elapsedS,
      latency: totals.latencies.summary(),
      errors: totals.errors,
      firstError: totals.firstError,
      cpu: { target: (cpu.user + cpu.system) / 1e6 / elapsedS, postgres: undefined, loadGenerator: undefined }
    }
    process.stdout.write(JSON.stringify(result) + '\n')
  } finally {
    await pool.end()
  }
}

await main()
