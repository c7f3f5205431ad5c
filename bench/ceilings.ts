import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { IDatabaseConnection } from '@pgtyped/runtime'
import pg from 'pg'
import { findFreePort } from '../src/db/embedded.js'
import { typeParsers } from '../src/db/type-parsers.js'
import type { StatementMode } from './options.js'
import { Child, waitForHttp } from './processes.js'
import { postgresCpuSeconds } from './proc.js'
import type { Scenario, SeedInfo } from './scenarios.js'
import type { RunTotals } from './stats.js'

/** Paths and environment shared by the child processes of the harness. */
export interface ChildContext {
  root: string
  /** Folder for temporary files; deleted by the harness. */
  workDir: string
  baseEnv: NodeJS.ProcessEnv
}

/**
 * Starts bench/bare-server.ts, the HTTP ceiling, returning `body` with the
 * scenario's success status to every request.
 */
export async function startBareServer (context: ChildContext, scenario: Scenario, body: string): Promise<{ child: Child, url: string }> {
  const bodyFile = join(context.workDir, `${scenario.name}.json`)
  await writeFile(bodyFile, body)
  const port = await findFreePort()
  const script = join(context.root, 'bench', 'bare-server.ts')
  const child = new Child('bare Fastify server', process.execPath, ['--import', 'tsx', script], {
    cwd: context.root,
    env: {
      ...context.baseEnv,
      HOST: '127.0.0.1',
      PORT: String(port),
      BENCH_BODY_FILE: bodyFile,
      BENCH_STATUS: String(scenario.status)
    },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(`${url}/`, scenario.status, child)
  return { child, url }
}

/**
 * The database ceiling: the scenario's SQL through the generated queries on
 * a bare pg.Pool, with the service's type parsers and pool size, and no
 * HTTP, Fastify or retry wrapper in between. It runs in the harness
 * process, alone: the harness generates no HTTP load meanwhile.
 */
export class DatabaseCeiling {
  readonly #pool: pg.Pool
  readonly #db: IDatabaseConnection

  constructor (connectionString: string, poolMax: number, statements: StatementMode) {
    this.#pool = new pg.Pool({
      connectionString,
      max: poolMax,
      application_name: 'authors-bench-ceiling',
      // The same session settings as the service's pool (src/db/pool.ts).
      options: '-c DateStyle=ISO',
      types: typeParsers
    })
    // pg-pool's end() resolves before the sockets close, so stopping
    // Postgres next can fail an idle connection; that must not crash the
    // harness. Failed statements during a run are counted by run().
    this.#pool.on('error', () => {})
    const names = new Map<string, string>()
    const nameOf = (text: string): string => {
      let name = names.get(text)
      if (name === undefined) {
        name = 'bench_' + createHash('sha1').update(text).digest('hex').slice(0, 24)
        names.set(text, name)
      }
      return name
    }
    this.#db = {
      query: async (text: string, values: unknown[]) => {
        const config = statements === 'named' ? { name: nameOf(text), text, values } : { text, values }
        const result = await this.#pool.query(config)
        return { rows: result.rows, rowCount: result.rowCount ?? 0 }
      }
    }
  }

  /**
   * Runs `concurrency` loops of the scenario's database step for
   * `durationS` seconds, and adds what it measured to `totals`. The CPU
   * time of this process during the run is the ceiling's own.
   */
  async run (load: {
    scenario: Scenario
    seed: SeedInfo
    concurrency: number
    durationS: number
    postmasterPid: number | undefined
  }, totals: RunTotals): Promise<void> {
    const readPostgres = (): number | undefined =>
      load.postmasterPid === undefined ? undefined : postgresCpuSeconds(load.postmasterPid)
    const postgresBefore = readPostgres()
    const ownBefore = process.cpuUsage()
    const started = performance.now()
    const endAt = started + load.durationS * 1000

    const loop = async (): Promise<void> => {
      const step = load.scenario.databaseStep(this.#db, load.seed)
      while (performance.now() < endAt) {
        const stepStarted = performance.now()
        try {
          await step()
          totals.latencies.record(performance.now() - stepStarted)
        } catch (error) {
          totals.recordError(1, (error as Error).message)
        }
      }
    }
    await Promise.all(Array.from({ length: load.concurrency }, loop))

    const own = process.cpuUsage(ownBefore)
    totals.elapsedS += (performance.now() - started) / 1000
    totals.target.add(0, (own.user + own.system) / 1e6)
    totals.postgres.add(postgresBefore, readPostgres())
  }

  async end (): Promise<void> {
    await this.#pool.end()
  }
}
