import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { findFreePort } from '../src/db/embedded.js'
import { runHttpLoad } from './http-load.js'
import type { StatementMode } from './options.js'
import { Child, waitForHttp } from './processes.js'
import { postgresCpuSeconds } from './proc.js'
import type { Scenario, ScenarioName, SeedInfo } from './scenarios.js'
import { cpuShare, type RunResult } from './stats.js'

/** Line that bench/db-ceiling.ts prints when its measured time starts. */
export const MEASURING_LINE = 'measuring'

/** Input of bench/db-ceiling.ts, passed as JSON in BENCH_CEILING. */
export interface CeilingConfig {
  scenario: ScenarioName
  poolMax: number
  concurrency: number
  durationS: number
  warmupS: number
  statements: StatementMode
  seed: SeedInfo
}

/** Paths and environment shared by the child processes of the harness. */
export interface ChildContext {
  root: string
  /** Folder for temporary files; deleted by the harness. */
  workDir: string
  baseEnv: NodeJS.ProcessEnv
}

/** node with tsx, to run the TypeScript scripts in bench/. */
function tsxArgs (context: ChildContext, script: string): string[] {
  return ['--import', 'tsx', join(context.root, 'bench', script)]
}

/**
 * Runs the database ceiling for one scenario in a child process and
 * returns its result, with Postgres's CPU time over the measured time.
 */
export async function runDatabaseCeiling (
  context: ChildContext,
  connectionString: string,
  config: CeilingConfig,
  postmasterPid: number | undefined
): Promise<RunResult> {
  const readPostgres = (): number | undefined =>
    postmasterPid === undefined ? undefined : postgresCpuSeconds(postmasterPid)
  let postgresBefore: number | undefined
  let postgresAfter: number | undefined

  const child = new Child('database ceiling', process.execPath, tsxArgs(context, 'db-ceiling.ts'), {
    cwd: context.root,
    env: { ...context.baseEnv, BENCH_DATABASE_URL: connectionString, BENCH_CEILING: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Read Postgres's CPU time when the measured time starts and ends; the
    // child's backends are still open at the end, so their time counts.
    onLine: (line) => {
      if (line === MEASURING_LINE) {
        postgresBefore = readPostgres()
      } else {
        postgresAfter = readPostgres()
      }
    }
  })
  const code = await child.closed
  const resultLine = child.stdout.trim().split('\n').at(-1)
  if (code !== 0 || resultLine === undefined || resultLine === MEASURING_LINE) {
    throw new Error(child.describeExit())
  }
  const result = JSON.parse(resultLine) as RunResult
  result.cpu.postgres = cpuShare(postgresBefore, postgresAfter, result.elapsedS)
  return result
}

export interface HttpCeilingRun {
  scenario: Scenario
  seed: SeedInfo
  /** A response body of the service for this scenario. */
  body: string
  connections: number
  durationS: number
  warmupS: number
  signal: AbortSignal
}

/**
 * Starts the bare Fastify server with the scenario's body, drives it with
 * the same load as the service, and stops it.
 */
export async function runHttpCeiling (context: ChildContext, run: HttpCeilingRun): Promise<RunResult> {
  const bodyFile = join(context.workDir, `${run.scenario.name}.json`)
  await writeFile(bodyFile, run.body)
  const port = await findFreePort()
  const child = new Child('bare Fastify server', process.execPath, tsxArgs(context, 'bare-server.ts'), {
    cwd: context.root,
    env: {
      ...context.baseEnv,
      HOST: '127.0.0.1',
      PORT: String(port),
      BENCH_BODY_FILE: bodyFile,
      BENCH_STATUS: String(run.scenario.status)
    },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  try {
    const url = `http://127.0.0.1:${port}`
    await waitForHttp(`${url}/`, run.scenario.status, child)
    const load = {
      url,
      connections: run.connections,
      scenario: run.scenario,
      seed: run.seed,
      targetPid: child.pid,
      postmasterPid: undefined,
      signal: run.signal
    }
    if (run.warmupS > 0) {
      await runHttpLoad({ ...load, durationS: run.warmupS })
    }
    return await runHttpLoad({ ...load, durationS: run.durationS })
  } finally {
    await child.stop()
  }
}
