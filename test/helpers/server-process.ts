import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Maximum wait for a log line or a response before the test fails. */
export const WAIT_MS = 30_000

/** Maximum wait for the server to exit after SIGTERM. */
export const STOP_MS = 10_000

export type LogEntry = Record<string, unknown>

export interface Author {
  id: number
  name: string
  bio: string
  createdAt: string
  updatedAt: string
}

export function isRunning (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export interface ProcessOptions {
  /** Script to run under tsx, relative to `cwd`; src/server.ts by default. */
  script?: string
  /** Working directory; the project root by default. */
  cwd?: string
}

/**
 * src/server.ts, or another script of the project, as a child process whose
 * environment holds only `vars` (plus PATH, HOME and TMPDIR), with its
 * stdout and stderr collected.
 */
export class ServerProcess {
  readonly child: ChildProcess
  readonly pid: number
  stdout = ''
  stderr = ''
  /** Exit code once the process has closed its output; undefined before. */
  exitCode: number | null | undefined
  readonly closed: Promise<number | null>
  readonly #waiters = new Set<() => void>()

  constructor (vars: Record<string, string>, options: ProcessOptions = {}) {
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'test', LOG_LEVEL: 'info' }
    for (const name of ['PATH', 'HOME', 'TMPDIR']) {
      if (process.env[name] !== undefined) {
        env[name] = process.env[name]
      }
    }
    this.child = spawn(process.execPath, ['--import', 'tsx', options.script ?? 'src/server.ts'], {
      cwd: options.cwd ?? root,
      env: { ...env, ...vars },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    if (this.child.pid === undefined) {
      throw new Error(`could not spawn ${options.script ?? 'src/server.ts'}`)
    }
    this.pid = this.child.pid
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk
      this.#notify()
    })
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { this.stderr += chunk })
    this.closed = new Promise((resolve) => {
      this.child.on('close', (code) => {
        this.exitCode = code
        this.#notify()
        resolve(code)
      })
    })
  }

  get running (): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Complete stdout lines. */
  lines (): string[] {
    return this.stdout.split('\n').slice(0, -1)
  }

  /** Complete stdout lines that parse as JSON objects. */
  entries (): LogEntry[] {
    const entries: LogEntry[] = []
    for (const line of this.lines()) {
      try {
        const value: unknown = JSON.parse(line)
        if (typeof value === 'object' && value !== null) {
          entries.push(value as LogEntry)
        }
      } catch {
        // Not JSON; the tests check for such lines separately.
      }
    }
    return entries
  }

  /**
   * Resolves with the first non-undefined value of `find`, checked on every
   * stdout chunk. Rejects when the process exits first or after WAIT_MS.
   */
  async waitFor<T> (description: string, find: () => T | undefined): Promise<T> {
    return await new Promise<T>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer)
        this.#waiters.delete(check)
      }
      const check = (): void => {
        const found = find()
        if (found !== undefined) {
          finish()
          resolve(found)
        } else if (this.exitCode !== undefined) {
          finish()
          reject(new Error(`server exited with code ${String(this.exitCode)} before ${description}\n${this.output()}`))
        }
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`no ${description} within ${WAIT_MS} ms\n${this.output()}`))
      }, WAIT_MS)
      this.#waiters.add(check)
      check()
    })
  }

  /** Waits for a log line whose msg matches `pattern`. */
  async waitForMessage (pattern: RegExp): Promise<LogEntry> {
    return await this.waitFor(`log line matching ${String(pattern)}`, () =>
      this.entries().find((entry) => typeof entry.msg === 'string' && pattern.test(entry.msg)))
  }

  /** Sends SIGTERM by pid; returns the exit code, or 'timeout' after STOP_MS. */
  async stop (): Promise<number | null | 'timeout'> {
    if (this.running) {
      process.kill(this.pid, 'SIGTERM')
    }
    return await Promise.race([this.closed, sleep(STOP_MS, 'timeout' as const, { ref: false })])
  }

  /** Ends a process that a failed test left running: SIGTERM, then SIGKILL. */
  async kill (): Promise<void> {
    if (!this.running) {
      return
    }
    if (await this.stop() === 'timeout' && this.running) {
      process.kill(this.pid, 'SIGKILL')
      await this.closed
    }
  }

  output (): string {
    return `stdout:\n${this.stdout}\nstderr:\n${this.stderr}`
  }

  #notify (): void {
    for (const waiter of [...this.#waiters]) {
      waiter()
    }
  }
}

/** Starts the server and makes sure it is gone when `t` ends. */
export function startServer (t: Test, vars: Record<string, string>, options: ProcessOptions = {}): ServerProcess {
  const server = new ServerProcess(vars, options)
  t.teardown(async () => {
    try {
      await server.kill()
    } catch (error) {
      t.comment(`could not end server ${server.pid}: ${String(error)}`)
    }
  })
  return server
}

/**
 * Stops a Postgres still running on `dataDir`, as after a server killed with
 * SIGKILL. Postgres removes postmaster.pid when it stops, so the file names
 * a live server only while one runs.
 */
export async function stopLeftoverPostgres (dataDir: string): Promise<void> {
  let pid: number
  try {
    pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0])
  } catch {
    return
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) {
    return
  }
  process.kill(pid, 'SIGINT')
  for (let i = 0; i < 100 && isRunning(pid); i++) {
    await sleep(100)
  }
  if (isRunning(pid)) {
    process.kill(pid, 'SIGKILL')
  }
}

export async function request (url: string, init: RequestInit = {}): Promise<Response> {
  return await fetch(url, { ...init, signal: AbortSignal.timeout(WAIT_MS) })
}

export async function createAuthor (base: string, author: { name: string, bio: string }, requestId?: string): Promise<Response> {
  return await request(`${base}/authors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(requestId === undefined ? {} : { 'x-request-id': requestId }) },
    body: JSON.stringify(author)
  })
}
