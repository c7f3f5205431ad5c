import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { findFreePort } from '../src/db/embedded.js'
import { createTestDatabase } from './helpers/database.js'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Longest wait for a log line or a response before the test fails. */
const WAIT_MS = 30_000

/** Longest wait for the server to exit after SIGTERM. */
const STOP_MS = 10_000

type LogEntry = Record<string, unknown>

interface Author {
  id: number
  name: string
  bio: string
  createdAt: string
  updatedAt: string
}

function isRunning (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * src/server.ts as a child process whose environment holds only `vars`
 * (plus PATH, HOME and TMPDIR), with its stdout and stderr collected.
 */
class ServerProcess {
  readonly child: ChildProcess
  readonly pid: number
  stdout = ''
  stderr = ''
  /** Exit code once the process has closed its output; undefined before. */
  exitCode: number | null | undefined
  readonly closed: Promise<number | null>
  readonly #waiters = new Set<() => void>()

  constructor (vars: Record<string, string>) {
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'test', LOG_LEVEL: 'info' }
    for (const name of ['PATH', 'HOME', 'TMPDIR']) {
      if (process.env[name] !== undefined) {
        env[name] = process.env[name]
      }
    }
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { ...env, ...vars },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    if (this.child.pid === undefined) {
      throw new Error('could not spawn src/server.ts')
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
function startServer (t: Test, vars: Record<string, string>): ServerProcess {
  const server = new ServerProcess(vars)
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
async function stopLeftoverPostgres (dataDir: string): Promise<void> {
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

async function request (url: string, init: RequestInit = {}): Promise<Response> {
  return await fetch(url, { ...init, signal: AbortSignal.timeout(WAIT_MS) })
}

async function createAuthor (base: string, author: { name: string, bio: string }, requestId?: string): Promise<Response> {
  return await request(`${base}/authors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(requestId === undefined ? {} : { 'x-request-id': requestId }) },
    body: JSON.stringify(author)
  })
}

t.test('server with DATABASE_URL', async (t) => {
  const databaseUrl = await createTestDatabase(t)
  const password = decodeURIComponent(new URL(databaseUrl).password)
  const port = await findFreePort()
  const base = `http://127.0.0.1:${port}`
  const server = startServer(t, { DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port) })

  const listening = await server.waitForMessage(/^Server listening/)
  t.equal(listening.msg, `Server listening at ${base}`, 'listens on loopback at PORT')
  t.ok(server.entries().some((entry) => entry.msg === 'using DATABASE_URL'), 'logs that it uses DATABASE_URL')

  const created = await createAuthor(base, { name: 'Ada Lovelace', bio: 'Wrote the first program.' }, 'server-test-create')
  t.equal(created.status, 201, 'POST /authors returns 201')
  const author = await created.json() as Author
  t.equal(author.name, 'Ada Lovelace', 'POST returns the name')
  t.equal(created.headers.get('location'), `/authors/${author.id}`, 'POST sets location')

  const fetched = await request(`${base}/authors/${author.id}`)
  t.equal(fetched.status, 200, 'GET /authors/:id returns 200')
  t.same(await fetched.json(), author, 'GET returns the created author')
  const generatedId = fetched.headers.get('x-request-id')
  t.ok(generatedId, 'GET response carries x-request-id')

  const completed = await server.waitFor('two "request completed" lines', () => {
    const lines = server.entries().filter((entry) => entry.msg === 'request completed')
    return lines.length >= 2 ? lines : undefined
  })
  const post = completed.find((entry) => entry.method === 'POST')
  t.match(post, { reqId: 'server-test-create', route: '/authors', status: 201 }, 'POST line has reqId, route, status')
  t.type(post?.durationMs, 'number', 'POST line has durationMs')
  const get = completed.find((entry) => entry.method === 'GET')
  t.match(get, { reqId: generatedId, route: '/authors/:id', status: 200 }, 'GET line has reqId, route, status')
  t.type(get?.durationMs, 'number', 'GET line has durationMs')

  t.equal(await server.stop(), 0, 'exits with code 0 after SIGTERM')

  const lines = server.lines()
  t.same(lines.filter((line) => {
    try {
      return typeof JSON.parse(line) !== 'object'
    } catch {
      return true
    }
  }), [], 'every stdout line is a JSON object')
  const entries = server.entries()
  // Lines can arrive out of order (seen under load: "stopped" before
  // "shutting down"), so this checks which lines lack a reqId, not where.
  const lifecycle = new Set(['using DATABASE_URL', listening.msg, 'shutting down', 'stopped'])
  t.same(
    entries.filter((entry) => typeof entry.reqId !== 'string' && !lifecycle.has(entry.msg)),
    [],
    'every line but start-up and shutdown has a reqId',
    { stdout: server.stdout }
  )
  t.ok(entries.some((entry) => entry.msg === 'stopped'), 'logs that it stopped')
  if (password === '') {
    t.comment('the test database URL has no password to look for')
  } else {
    t.notOk(server.stdout.includes(password), 'stdout omits the database password')
    t.notOk(server.stderr.includes(password), 'stderr omits the database password')
  }
})

t.test('server with embedded Postgres', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authors-server-test-'))
  const dataDir = join(dir, 'data')
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  const postgresPort = String(await findFreePort())
  let author: Author | undefined

  const start = async (t: Test): Promise<{ server: ServerProcess, base: string }> => {
    // Teardowns run last-registered first: the server ends, then any
    // Postgres it left behind, so a failed start does not block the next.
    t.teardown(async () => {
      try {
        await stopLeftoverPostgres(dataDir)
      } catch (error) {
        t.comment(`could not stop Postgres in ${dataDir}: ${String(error)}`)
      }
    })
    const port = await findFreePort()
    const server = startServer(t, {
      HOST: '127.0.0.1',
      PORT: String(port),
      EMBEDDED_POSTGRES_DIR: dir,
      EMBEDDED_POSTGRES_PORT: postgresPort
    })
    await server.waitForMessage(/^Server listening/)
    return { server, base: `http://127.0.0.1:${port}` }
  }

  const stopAndCheck = async (t: Test, server: ServerProcess): Promise<void> => {
    t.equal(await server.stop(), 0, 'exits with code 0 after SIGTERM')
    t.notOk(existsSync(join(dataDir, 'postmaster.pid')), 'embedded Postgres stopped too')
    const password = (await readFile(join(dir, 'password'), 'utf8')).trim()
    t.ok(password, 'cluster password file is kept')
    t.notOk(server.stdout.includes(password), 'stdout omits the cluster password')
    t.notOk(server.stderr.includes(password), 'stderr omits the cluster password')
  }

  await t.test('first start creates cluster', async (t) => {
    const { server, base } = await start(t)
    const line = server.entries().find((entry) => entry.msg === 'created embedded Postgres and applied schema.sql')
    t.ok(line, 'logs that it created the cluster')
    t.equal(line?.created, true, 'log line has created: true')

    const created = await createAuthor(base, { name: 'Grace Hopper', bio: 'Wrote the first compiler.' })
    t.equal(created.status, 201, 'POST /authors returns 201')
    author = await created.json() as Author
    t.equal(author.name, 'Grace Hopper', 'POST returns the name')

    await stopAndCheck(t, server)
  })

  await t.test('second start reuses data', async (t) => {
    const { server, base } = await start(t)
    const line = server.entries().find((entry) => entry.msg === 'started embedded Postgres with existing data')
    t.ok(line, 'logs that it reused the cluster')
    t.equal(line?.created, false, 'log line has created: false')

    if (author === undefined) {
      t.fail('first start created no author')
    } else {
      const fetched = await request(`${base}/authors/${author.id}`)
      t.equal(fetched.status, 200, 'GET /authors/:id returns 200')
      t.same(await fetched.json(), author, 'GET returns the author from the first start')
    }
    const list = await request(`${base}/authors`)
    t.equal(((await list.json()) as { items: Author[] }).items.length, 1, 'database holds exactly that author')

    await stopAndCheck(t, server)
  })
})
