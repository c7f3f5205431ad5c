/** Latencies of one run, in milliseconds. */
export interface Latency {
  p50: number
  p99: number
  max: number
}

/** What one run of a scenario measured, whatever ran it. */
export interface RunResult {
  /** Completed requests or database steps in the measured time. */
  completed: number
  elapsedS: number
  perSecond: number
  latency: Latency
  /** Failed requests: connection errors, timeouts and unexpected statuses; or failed statements. */
  errors: number
  /** The first failure, for the message when there is one. */
  firstError: string | undefined
  /** CPU time over the measured time, as a fraction of one core (1 = one core busy). */
  cpu: {
    /** The process under test: the service, the database ceiling's process or the bare server. */
    target: number | undefined
    postgres: number | undefined
    loadGenerator: number | undefined
  }
}

/** Collects latencies in a growable array of doubles. */
export class LatencyRecorder {
  #values = new Float64Array(1 << 16)
  #count = 0

  record (ms: number): void {
    if (this.#count === this.#values.length) {
      const larger = new Float64Array(this.#values.length * 2)
      larger.set(this.#values)
      this.#values = larger
    }
    this.#values[this.#count++] = ms
  }

  get count (): number {
    return this.#count
  }

  /** Nearest-rank percentiles; all zero when nothing was recorded. */
  summary (): Latency {
    const sorted = this.#values.slice(0, this.#count).sort()
    const at = (fraction: number): number => sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? 0
    return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 }
  }
}

/** CPU seconds between two readings over `elapsedS`, as a fraction of one core. */
export function cpuShare (before: number | undefined, after: number | undefined, elapsedS: number): number | undefined {
  return before === undefined || after === undefined ? undefined : (after - before) / elapsedS
}
