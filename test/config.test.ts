import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ConfigError, loadConfig } from '../src/config/index.js'
import { findFreePort } from '../src/db/embedded.js'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Appears in DATABASE_URL values below; no output may contain it. */
const PASSWORD = 's3cret-pw'

/** How long a server child may run before it counts as hung and is killed. */
const CHILD_TIMEOUT_MS = 30_000

/** Returns what loadConfig throws for `env`, or undefined when it returns. */
function loadError (env: Record<string, string>): Error | undefined {
  try {
    loadConfig({ env })
    return undefined
  } catch (error) {
    return error as Error
  }
}

t.test('loadConfig applies defaults', async (t) => {
  const config = loadConfig({ env: {} })
  t.equal(config.NODE_ENV, 'development', 'NODE_ENV is development')
  t.equal(config.HOST, '127.0.0.1', 'HOST is loopback')
  t.equal(config.PORT, 8080, 'PORT is 8080')
  t.equal(config.LOG_LEVEL, 'info', 'LOG_LEVEL is info')
  t.equal(config.LOG_PRETTY, false, 'LOG_PRETTY is off')
  t.equal(config.DATABASE_URL, undefined, 'DATABASE_URL is unset')
  t.equal(config.DATABASE_POOL_MAX, 10, 'pool holds 10 connections')
  t.equal(config.DATABASE_CONNECT_TIMEOUT_MS, 5000, 'connect timeout is 5 s')
  t.equal(config.DATABASE_STATEMENT_TIMEOUT_MS, 5000, 'statement timeout is 5 s')
  t.equal(config.EMBEDDED_POSTGRES_DIR, '.data/postgres', 'embedded data under .data')
  t.equal(config.EMBEDDED_POSTGRES_PORT, 54329, 'embedded port is 54329')
  t.equal(config.BODY_LIMIT, 1048576, 'body limit is 1 MiB')
})

t.test('loadConfig coerces numeric strings', async (t) => {
  const config = loadConfig({
    env: {
      PORT: '3000',
      DATABASE_POOL_MAX: '25',
      DATABASE_CONNECT_TIMEOUT_MS: '1500',
      DATABASE_STATEMENT_TIMEOUT_MS: '2500',
      EMBEDDED_POSTGRES_PORT: '6543',
      BODY_LIMIT: '2048',
      LOG_PRETTY: 'true'
    }
  })
  t.equal(config.PORT, 3000, 'PORT becomes a number')
  t.equal(config.DATABASE_POOL_MAX, 25, 'DATABASE_POOL_MAX becomes a number')
  t.equal(config.DATABASE_CONNECT_TIMEOUT_MS, 1500, 'connect timeout becomes a number')
  t.equal(config.DATABASE_STATEMENT_TIMEOUT_MS, 2500, 'statement timeout becomes a number')
  t.equal(config.EMBEDDED_POSTGRES_PORT, 6543, 'EMBEDDED_POSTGRES_PORT becomes a number')
  t.equal(config.BODY_LIMIT, 2048, 'BODY_LIMIT becomes a number')
  t.equal(config.LOG_PRETTY, true, 'LOG_PRETTY becomes a boolean')
})

t.test('loadConfig env ignores process.env', async (t) => {
  const saved = process.env.PORT
  t.teardown(() => {
    if (saved === undefined) {
      delete process.env.PORT
    } else {
      process.env.PORT = saved
    }
  })
  process.env.PORT = '1234'
  t.equal(loadConfig({ env: {} }).PORT, 8080, 'PORT from process.env is not read')
})

t.test('loadConfig rejects non-integer PORT', async (t) => {
  for (const value of ['abc', '80.5']) {
    const error = loadError({ PORT: value })
    t.type(error, ConfigError, `PORT=${value} throws ConfigError`)
    t.match(error?.message, /\bPORT\b/, `PORT=${value} message names PORT`)
  }
})

t.test('loadConfig rejects out-of-range PORT', async (t) => {
  for (const value of ['65536', '-1']) {
    const error = loadError({ PORT: value })
    t.type(error, ConfigError, `PORT=${value} throws ConfigError`)
    t.match(error?.message, /\bPORT\b/, `PORT=${value} message names PORT`)
  }
})

t.test('loadConfig rejects unknown LOG_LEVEL', async (t) => {
  const error = loadError({ LOG_LEVEL: 'shouting' })
  t.type(error, ConfigError, 'throws ConfigError')
  t.match(error?.message, /\bLOG_LEVEL\b/, 'message names LOG_LEVEL')
  t.notMatch(error?.message, /shouting/, 'message does not echo the value')
})

t.test('loadConfig rejects non-postgres DATABASE_URL', async (t) => {
  const error = loadError({ DATABASE_URL: `mysql://u:${PASSWORD}@h/db` })
  t.type(error, ConfigError, 'throws ConfigError')
  t.match(error?.message, /\bDATABASE_URL\b/, 'message names DATABASE_URL')
  t.notOk(error?.message.includes(PASSWORD), 'message omits the password')
})

t.test('loadConfig rejects unparsable DATABASE_URL', async (t) => {
  const urls = [`postgres://u:${PASSWORD}@[bad`, `postgres://u:${PASSWORD}@host with space/db`, 'postgres://', `postgres://u:${PASSWORD}@h:99999/db`]
  for (const url of urls) {
    const error = loadError({ DATABASE_URL: url })
    t.type(error, ConfigError, `throws ConfigError for ${url.replace(PASSWORD, '***')}`)
    t.match(error?.message, /\bDATABASE_URL\b/, 'message names DATABASE_URL')
    t.notOk(error?.message.includes(PASSWORD), 'message omits the password')
  }
})

t.test('loadConfig requires DATABASE_URL in production', async (t) => {
  const error = loadError({ NODE_ENV: 'production' })
  t.type(error, ConfigError, 'throws ConfigError')
  t.match(error?.message, /\bDATABASE_URL\b/, 'message names DATABASE_URL')
  t.ok(loadConfig({ env: { NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db' } }), 'accepts production with DATABASE_URL')
})

t.test('loadConfig errors omit DATABASE_URL password', async (t) => {
  const url = `postgres://u:${PASSWORD}@host/db`
  const invalid: Array<[string, Record<string, string>]> = [
    ['PORT', { DATABASE_URL: url, PORT: 'abc' }],
    ['LOG_LEVEL', { DATABASE_URL: url, LOG_LEVEL: 'shouting' }],
    ['DATABASE_POOL_MAX', { DATABASE_URL: url, DATABASE_POOL_MAX: '0' }]
  ]
  for (const [variable, env] of invalid) {
    const error = loadError(env)
    t.type(error, ConfigError, `invalid ${variable} throws ConfigError`)
    t.match(error?.message, new RegExp(`\\b${variable}\\b`), `message names ${variable}`)
    t.notOk(error?.message.includes(PASSWORD), `${variable} message omits the password`)
  }
})

interface ChildResult {
  code: number | null
  stdout: string
  stderr: string
  timedOut: boolean
}

/**
 * Runs src/server.ts with only `vars` (and PATH and HOME) in its
 * environment. A child still running after CHILD_TIMEOUT_MS gets SIGTERM,
 * then SIGKILL, by pid.
 */
async function runServer (vars: Record<string, string>): Promise<ChildResult> {
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'test' }
  for (const name of ['PATH', 'HOME', 'TMPDIR']) {
    if (process.env[name] !== undefined) {
      env[name] = process.env[name]
    }
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...env, ...vars },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })

  let timedOut = false
  const signal = (name: NodeJS.Signals): void => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, name)
    }
  }
  const term = setTimeout(() => {
    timedOut = true
    signal('SIGTERM')
  }, CHILD_TIMEOUT_MS)
  const kill = setTimeout(() => { signal('SIGKILL') }, CHILD_TIMEOUT_MS + 10_000)

  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(term)
  clearTimeout(kill)
  return { code, stdout, stderr, timedOut }
}

interface ServerCase {
  name: string
  variable: string
  env: Record<string, string>
}

const serverCases: ServerCase[] = [
  {
    name: 'server exits on non-integer PORT',
    variable: 'PORT',
    env: { PORT: 'abc', DATABASE_URL: `postgres://u:${PASSWORD}@127.0.0.1:1/db` }
  },
  {
    name: 'server exits on mysql DATABASE_URL',
    variable: 'DATABASE_URL',
    env: { DATABASE_URL: `mysql://u:${PASSWORD}@127.0.0.1:1/db` }
  },
  {
    name: 'server exits on unparsable DATABASE_URL',
    variable: 'DATABASE_URL',
    env: { DATABASE_URL: `postgres://u:${PASSWORD}@[bad` }
  },
  {
    name: 'server exits in production without DATABASE_URL',
    variable: 'DATABASE_URL',
    env: { NODE_ENV: 'production' }
  }
]

for (const { name, variable, env } of serverCases) {
  t.test(name, async (t) => {
    // Should the configuration pass by mistake, the server must not touch
    // the developer's .data folder or default ports.
    const scratch = await mkdtemp(join(tmpdir(), 'authors-config-test-'))
    t.teardown(async () => { await rm(scratch, { recursive: true, force: true }) })
    const embeddedDir = join(scratch, 'postgres')

    const result = await runServer({
      HOST: '127.0.0.1',
      PORT: String(await findFreePort()),
      EMBEDDED_POSTGRES_DIR: embeddedDir,
      EMBEDDED_POSTGRES_PORT: String(await findFreePort()),
      ...env
    })

    t.notOk(result.timedOut, 'exits without being killed')
    t.equal(result.code, 1, 'exits with code 1')
    t.match(result.stderr, new RegExp(`\\b${variable}\\b`), `stderr names ${variable}`)
    if (Object.values(env).some((value) => value.includes(PASSWORD))) {
      t.notOk(result.stderr.includes(PASSWORD), 'stderr omits the password')
      t.notOk(result.stdout.includes(PASSWORD), 'stdout omits the password')
    }
    t.notMatch(result.stdout, /Server listening/, 'never listens')
    t.notOk(existsSync(embeddedDir), 'starts no embedded Postgres')
  })
}
