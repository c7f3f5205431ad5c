/** Latencies of one run, in milliseconds. */
export interface Latency {
  p50: number
  p99: number
  max: number
}

/** Figures of one kind of run of a scenario, summed over its slices. */
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
    /** The process under test: the service, the harness running the database ceiling, or the bare server. */
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

/** CPU seconds of one process between two readings; undefined once any reading failed. */
class CpuTime {
  seconds: number | undefined

  /** `measured` is false for a process that has no part in the run, which the report shows as n/a. */
  constructor (measured = true) {
    this.seconds = measured ? 0 : undefined
  }

  add (before: number | undefined, after: number | undefined): void {
    this.seconds = this.seconds === undefined || before === undefined || after === undefined
      ? undefined
      : this.seconds + after - before
  }
}

/**
 * Sums the slices of one kind of run (a service, or a ceiling) of a
 * scenario. The kinds of run take turns in short slices, so that a change
 * in the machine's other load affects all of them alike.
 */
export class RunTotals {
  readonly latencies = new LatencyRecorder()
  elapsedS = 0
  errors = 0
  firstError: string | undefined
  readonly target = new CpuTime()
  readonly postgres = new CpuTime()
  readonly loadGenerator: CpuTime

  /** `withLoadGenerator` is false for the database ceiling, whose load comes from the process under test. */
  constructor (withLoadGenerator: boolean) {
    this.loadGenerator = new CpuTime(withLoadGenerator)
  }

  recordError (count: number, message: string): void {
    this.errors += count
    this.firstError ??= message
  }

  result (): RunResult {
    const share = (time: CpuTime): number | undefined =>
      time.seconds === undefined || this.elapsedS === 0 ? undefined : time.seconds / this.elapsedS
    const completed = this.latencies.count
    return {
      completed,
      elapsedS: this.elapsedS,
      perSecond: this.elapsedS === 0 ? 0 : completed / this.elapsedS,
      latency: this.latencies.summary(),
      errors: this.errors,
      firstError: this.firstError,
      cpu: { target: share(this.target), postgres: share(this.postgres), loadGenerator: share(this.loadGenerator) }
    }
  }
}
