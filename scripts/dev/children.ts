// The processes `just dev` runs: the service, pgtyped in watch mode and the
// TypeScript compiler in watch mode.

import { spawn, type ChildProcess } from 'node:child_process'
import { statSync } from 'node:fs'
import { setPriority } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import { forEachLine, PgtypedOutputParser, root, spawnPgtyped, type PgtypedEvent } from '../codegen/pgtyped.js'

/** Maximum wait for a child process to exit after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 15_000

/** Sends SIGTERM to `child` and waits for it to exit, sending SIGKILL after `timeoutMs`. */
async function stopChild (child: ChildProcess, timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  await exited
  clearTimeout(timer)
}

export type StartResult =
  | { ready: true, pid: number }
  | { ready: false, reason: string }

/**
 * The service as a child process of `just dev`, started through
 * scripts/dev/service-entry.ts. One spare process with the dependencies
 * already loaded waits for each start, so a reload costs only the project's
 * own modules. The service's log lines go straight to this process's stdout
 * and stderr.
 */
export class ServiceProcess {
  #child: ChildProcess | undefined
  #spare: { child: ChildProcess, preloaded: Promise<boolean> } | undefined
  /** Set by close(): no process starts after it. */
  #closed = false

  constructor (
    private readonly env: NodeJS.ProcessEnv,
    /** URL of the readiness endpoint, which returns 200 once the service accepts requests. */
    private readonly readyUrl: string,
    private readonly readyTimeoutMs: number,
    /** Called when a ready service exits without stop() or close(). */
    private readonly onUnexpectedExit: (code: number | null, signal: NodeJS.Signals | null) => void
  ) {}

  get pid (): number | undefined {
    return this.#child?.pid
  }

  /** Starts the service and waits until its readiness endpoint returns 200. */
  async start (): Promise<StartResult> {
    if (this.#closed) {
      return { ready: false, reason: '`just dev` is stopping' }
    }
    const spare = this.#spare ?? this.#spawnSpare()
    this.#spare = undefined
    const { child } = spare
    if (!(await spare.preloaded)) {
      return { ready: false, reason: 'the service process exited while loading its dependencies' }
    }
    this.#child = child
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(`the service exited with ${signal ?? `code ${code ?? 'unknown'}`} while starting`))
    })
    child.send('start')
    const result = await this.#waitUntilReady(exited)
    if (result.ready) {
      child.once('exit', (code, signal) => {
        if (this.#child === child) {
          this.#child = undefined
          this.onUnexpectedExit(code, signal)
        }
      })
    }
    if (!result.ready) {
      await stopChild(child)
      this.#child = undefined
    }
    if (this.#closed) {
      // close() ran while this start waited; it could not see this process.
      await stopChild(child)
      this.#child = undefined
      return { ready: false, reason: '`just dev` is stopping' }
    }
    // The next spare loads after this start, so the two do not compete for CPU.
    this.#spare = this.#spawnSpare()
    return result
  }

  /** Stops the running service. */
  async stop (): Promise<void> {
    const child = this.#child
    this.#child = undefined
    if (child !== undefined) {
      await stopChild(child)
    }
  }

  /** Stops the running service and the spare, and starts no other. */
  async close (): Promise<void> {
    this.#closed = true
    const spare = this.#spare
    this.#spare = undefined
    await Promise.all([this.stop(), spare === undefined ? undefined : stopChild(spare.child)])
  }

  #spawnSpare (): { child: ChildProcess, preloaded: Promise<boolean> } {
    const child = spawn(process.execPath, ['--import', 'tsx', join('scripts', 'dev', 'service-entry.ts')], {
      cwd: root,
      env: this.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    const preloaded = new Promise<boolean>((resolve) => {
      child.once('message', () => resolve(true))
      child.once('exit', () => resolve(false))
    })
    return { child, preloaded }
  }

  async #waitUntilReady (exited: Promise<string>): Promise<StartResult> {
    const deadline = Date.now() + this.readyTimeoutMs
    while (Date.now() < deadline) {
      const outcome = await Promise.race([exited, this.#probe()])
      if (typeof outcome === 'string') {
        return { ready: false, reason: outcome }
      }
      if (outcome) {
        return { ready: true, pid: this.#child?.pid ?? 0 }
      }
      await sleep(25)
    }
    return { ready: false, reason: `the service was not ready within ${this.readyTimeoutMs} ms` }
  }

  async #probe (): Promise<boolean> {
    try {
      const response = await fetch(this.readyUrl, { signal: AbortSignal.timeout(1000) })
      await response.body?.cancel()
      return response.status === 200
    } catch {
      return false
    }
  }
}

/** A file's pgtyped result, with the times needed to report how long it took. */
export interface TimedPgtypedEvent {
  event: PgtypedEvent
  /** Milliseconds pgtyped spent on the file. */
  generateMs: number
  /** Modification time of the SQL file when pgtyped started on it, in epoch milliseconds. */
  savedAt: number
}

/**
 * pgtyped in watch mode: it processes every SQL file once at start, then
 * each file again whenever it changes, and keeps its connection open.
 */
export class PgtypedWatcher {
  #child: ChildProcess | undefined
  /** Start times of the files pgtyped is working on, oldest first per file. */
  readonly #started = new Map<string, Array<{ at: number, savedAt: number }>>()
  #listeners: Array<(timed: TimedPgtypedEvent) => void> = []
  /** Set by close(): pgtyped does not start after it. */
  #closed = false

  constructor (private readonly log: Logger) {}

  start (connectionString: string): void {
    if (this.#closed) {
      return
    }
    const child = spawnPgtyped({ connectionString, configPath: 'pgtyped.config.json', watch: true })
    this.#child = child
    const parser = new PgtypedOutputParser()
    const onLine = (line: string): void => {
      const processing = /^Processing (\S+)$/.exec(line)
      if (processing?.[1] !== undefined) {
        const starts = this.#started.get(processing[1]) ?? []
        starts.push({ at: Date.now(), savedAt: modifiedAt(processing[1]) })
        this.#started.set(processing[1], starts)
        return
      }
      const event = parser.push(line)
      if (event === undefined) {
        this.log.debug({ output: line }, 'pgtyped output')
        return
      }
      const now = Date.now()
      const started = this.#started.get(event.file)?.shift() ?? { at: now, savedAt: now }
      const timed = { event, generateMs: now - started.at, savedAt: started.savedAt }
      for (const listener of this.#listeners) {
        listener(timed)
      }
    }
    if (child.stdout !== null && child.stderr !== null) {
      forEachLine(child.stdout, onLine)
      forEachLine(child.stderr, onLine)
    }
    child.once('exit', (code, signal) => {
      if (this.#child === child) {
        this.#child = undefined
        this.log.error({ code, signal }, 'pgtyped stopped; restart `just dev` to regenerate types again')
      }
    })
  }

  /** Calls `listener` with every file result until the returned function is called. */
  subscribe (listener: (timed: TimedPgtypedEvent) => void): () => void {
    this.#listeners.push(listener)
    return () => { this.#listeners = this.#listeners.filter((other) => other !== listener) }
  }

  /**
   * Waits until pgtyped has reported on each of `files`, and returns the
   * results. Rejects after `timeoutMs`.
   */
  async waitForFiles (files: string[], timeoutMs: number): Promise<TimedPgtypedEvent[]> {
    const results = new Map<string, TimedPgtypedEvent>()
    if (files.length === 0) {
      return []
    }
    let unsubscribe = (): void => {}
    try {
      return await new Promise<TimedPgtypedEvent[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          const missing = files.filter((file) => !results.has(file))
          reject(new Error(`pgtyped did not report on ${missing.join(', ')} within ${timeoutMs} ms`))
        }, timeoutMs)
        unsubscribe = this.subscribe((timed) => {
          results.set(timed.event.file, timed)
          if (files.every((file) => results.has(file))) {
            clearTimeout(timer)
            resolve(files.map((file) => results.get(file) as TimedPgtypedEvent))
          }
        })
      })
    } finally {
      unsubscribe()
    }
  }

  async stop (): Promise<void> {
    const child = this.#child
    this.#child = undefined
    if (child !== undefined) {
      await stopChild(child)
    }
  }

  /** Stops pgtyped for good. */
  async close (): Promise<void> {
    this.#closed = true
    await this.stop()
  }
}

function modifiedAt (file: string): number {
  try {
    return statSync(join(root, file)).mtimeMs
  } catch {
    return Date.now()
  }
}

/** The outcome of one compilation by the TypeScript compiler in watch mode. */
export interface TypeCheckResult {
  errors: string[]
  durationMs: number
}

/**
 * `tsc --watch --noEmit` over the whole project. It recompiles on every
 * change under src/, generated/, test/ and scripts/, incrementally.
 */
export class TypeChecker {
  #child: ChildProcess | undefined

  constructor (private readonly onResult: (result: TypeCheckResult) => void) {}

  start (): void {
    const bin = join(root, 'node_modules', '.bin', 'tsc')
    const child = spawn(bin, ['-p', 'tsconfig.json', '--watch', '--preserveWatchOutput', '--pretty', 'false'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit']
    })
    this.#child = child
    if (child.pid !== undefined) {
      // The service's reload comes first; the type check may take longer.
      setPriority(child.pid, 10)
    }
    let errors: string[] = []
    let startedAt = Date.now()
    if (child.stdout !== null) {
      forEachLine(child.stdout, (line) => {
        if (/(Starting compilation|File change detected)/.test(line)) {
          errors = []
          startedAt = Date.now()
        } else if (/Found \d+ errors?\. Watching for file changes/.test(line)) {
          this.onResult({ errors, durationMs: Date.now() - startedAt })
          errors = []
        } else if (/: error TS\d+:/.test(line)) {
          errors.push(line.trim())
        } else if (/^\s+\S/.test(line) && errors.length > 0) {
          // tsc indents the explanation lines that follow an error.
          errors[errors.length - 1] += ` ${line.trim()}`
        }
      })
    }
  }

  async stop (): Promise<void> {
    const child = this.#child
    this.#child = undefined
    if (child !== undefined) {
      await stopChild(child)
    }
  }
}
