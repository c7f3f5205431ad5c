import { spawn, type StdioOptions } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'

/** Maximum wait for a child to exit after SIGTERM before it gets SIGKILL. */
const STOP_MS = 15_000

/** Maximum wait for a server to respond after it was started. */
const READY_MS = 60_000

/** Characters of a child's stderr kept for error messages. */
const KEPT_OUTPUT = 4000

/** A child process started by the harness; every one is stopped by stopAll. */
export class Child {
  readonly pid: number
  stdout = ''
  stderr = ''
  exitCode: number | null | undefined
  readonly closed: Promise<number | null>

  constructor (readonly name: string, command: string, args: string[], options: {
    env: NodeJS.ProcessEnv
    cwd: string
    stdio: StdioOptions
    /** Called with each complete line of stdout, when stdout is a pipe. */
    onLine?: (line: string) => void
  }) {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: options.stdio })
    if (child.pid === undefined) {
      throw new Error(`could not start ${name}: ${command} ${args.join(' ')}`)
    }
    this.pid = child.pid
    let pending = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk
      const lines = (pending + chunk).split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        options.onLine?.(line)
      }
    })
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-KEPT_OUTPUT)
    })
    this.closed = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.exitCode = code ?? (signal === null ? null : -1)
        running.delete(this)
        resolve(code)
      })
    })
    running.add(this)
  }

  get running (): boolean {
    return this.exitCode === undefined
  }

  /** Sends SIGTERM by pid, then SIGKILL after STOP_MS; resolves when the child has exited. */
  async stop (): Promise<void> {
    if (!this.running) {
      return
    }
    process.kill(this.pid, 'SIGTERM')
    const result = await Promise.race([this.closed, sleep(STOP_MS, 'timeout' as const, { ref: false })])
    if (result === 'timeout' && this.running) {
      process.kill(this.pid, 'SIGKILL')
      await this.closed
    }
  }

  /** Describes how the child ended, with the end of its stderr. */
  describeExit (): string {
    return `${this.name} (pid ${this.pid}) exited with code ${String(this.exitCode)}` +
      (this.stderr === '' ? '' : `; its stderr ends with:\n${this.stderr}`)
  }
}

const running = new Set<Child>()

/** Stops every child that is still running. */
export async function stopAll (): Promise<void> {
  await Promise.all([...running].map(async (child) => { await child.stop() }))
}

/**
 * Waits until `url` returns `status`, polling every 100 ms. Throws when
 * the child exits first or READY_MS pass.
 */
export async function waitForHttp (url: string, status: number, child: Child): Promise<void> {
  const deadline = Date.now() + READY_MS
  for (;;) {
    if (!child.running) {
      throw new Error(child.describeExit())
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      if (response.status === status) {
        return
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`${child.name} did not return ${status} on ${url} within ${READY_MS / 1000} s`)
    }
    await sleep(100)
  }
}
