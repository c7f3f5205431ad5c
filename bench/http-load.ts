import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { cpuSeconds, postgresCpuSeconds } from './proc.js'
import type { Scenario, SeedInfo } from './scenarios.js'
import type { RunTotals } from './stats.js'

export interface HttpLoad {
  url: string
  connections: number
  durationS: number
  scenario: Scenario
  seed: SeedInfo
  /** The server under load, for its CPU time. */
  targetPid: number
  postmasterPid: number | undefined
  signal: AbortSignal
}

/** Seconds autocannon waits for a response before it counts a timeout. */
const TIMEOUT_S = 10

/**
 * Drives the server with autocannon at a fixed number of connections for a
 * fixed time, and adds what it measured to `totals`. autocannon runs in
 * this process on one thread, so the CPU time of this process during the
 * run is the load generator's. Latencies come from autocannon's response
 * events, with sub-millisecond precision. A response whose status is not
 * the scenario's success status counts as an error.
 */
export async function runHttpLoad (load: HttpLoad, totals: RunTotals): Promise<void> {
  const readPostgres = (): number | undefined =>
    load.postmasterPid === undefined ? undefined : postgresCpuSeconds(load.postmasterPid)
  const targetBefore = cpuSeconds(load.targetPid)
  const postgresBefore = readPostgres()
  const ownBefore = process.cpuUsage()
  const started = performance.now()

  let instance: autocannon.Instance | undefined
  const stop = (): void => { instance?.stop() }
  load.signal.addEventListener('abort', stop, { once: true })
  let result: autocannon.Result
  try {
    result = await new Promise<autocannon.Result>((resolve, reject) => {
      instance = autocannon({
        url: load.url,
        connections: load.connections,
        duration: load.durationS,
        timeout: TIMEOUT_S,
        setupClient: (client) => { load.scenario.setupClient(client, load.seed) }
      }, (error, finished) => {
        if (error === null || error === undefined) {
          resolve(finished)
        } else {
          reject(error instanceof Error ? error : new Error(String(error)))
        }
      })
      instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
        totals.latencies.record(responseTimeMs)
        if (statusCode !== load.scenario.status) {
          totals.recordError(1, `status ${statusCode}, expected ${load.scenario.status}`)
        }
      })
      instance.on('reqError', (error) => {
        totals.firstError ??= error.message
      })
    })
  } finally {
    load.signal.removeEventListener('abort', stop)
  }

  const own = process.cpuUsage(ownBefore)
  totals.elapsedS += (performance.now() - started) / 1000
  // result.errors counts connection errors and timeouts; reqError gave the first message.
  if (result.errors > 0) {
    totals.recordError(result.errors, `${result.errors} connection errors or timeouts`)
  }
  totals.target.add(targetBefore, cpuSeconds(load.targetPid))
  totals.postgres.add(postgresBefore, readPostgres())
  totals.loadGenerator.add(0, (own.user + own.system) / 1e6)
}
