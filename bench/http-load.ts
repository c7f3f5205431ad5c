import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { cpuSeconds, postgresCpuSeconds } from './proc.js'
import type { Scenario, SeedInfo } from './scenarios.js'
import { cpuShare, LatencyRecorder, type RunResult } from './stats.js'

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
 * fixed time. autocannon runs in this process on one thread, so the CPU
 * time of this process during the run is the load generator's. Latencies
 * come from autocannon's response events, with sub-millisecond precision.
 * A response whose status is not the scenario's success status counts as
 * an error.
 */
export async function runHttpLoad (load: HttpLoad): Promise<RunResult> {
  const latencies = new LatencyRecorder()
  let unexpected = 0
  let firstError: string | undefined

  const targetBefore = cpuSeconds(load.targetPid)
  const postgresBefore = load.postmasterPid === undefined ? undefined : postgresCpuSeconds(load.postmasterPid)
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
      }, (error, finished) => { error === null || error === undefined ? resolve(finished) : reject(error) })
      instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
        latencies.record(responseTimeMs)
        if (statusCode !== load.scenario.status) {
          unexpected++
          firstError ??= `status ${statusCode}, expected ${load.scenario.status}`
        }
      })
      instance.on('reqError', (error) => {
        firstError ??= error.message
      })
    })
  } finally {
    load.signal.removeEventListener('abort', stop)
  }
  const elapsedS = (performance.now() - started) / 1000
  const own = process.cpuUsage(ownBefore)

  return {
    completed: latencies.count,
    elapsedS,
    perSecond: latencies.count / elapsedS,
    latency: latencies.summary(),
    // result.errors counts connection errors and timeouts.
    errors: result.errors + unexpected,
    firstError: result.errors > 0 ? firstError ?? `${result.errors} connection errors or timeouts` : firstError,
    cpu: {
      target: cpuShare(targetBefore, cpuSeconds(load.targetPid), elapsedS),
      postgres: load.postmasterPid === undefined
        ? undefined
        : cpuShare(postgresBefore, postgresCpuSeconds(load.postmasterPid), elapsedS),
      loadGenerator: (own.user + own.system) / 1e6 / elapsedS
    }
  }
}
