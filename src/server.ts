import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config/index.js'
import { startEmbeddedPostgres, type RunningPostgres } from './db/embedded.js'
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

  let embedded: RunningPostgres | undefined
  if (config.DATABASE_URL === undefined) {
    embedded = await startEmbeddedPostgres({
      dir: config.EMBEDDED_POSTGRES_DIR,
      port: config.EMBEDDED_POSTGRES_PORT
    })
    config = { ...config, DATABASE_URL: embedded.connectionString }
  }

  const app = await buildApp(config)
  if (embedded !== undefined) {
    app.log.info({
      dir: config.EMBEDDED_POSTGRES_DIR,
      port: config.EMBEDDED_POSTGRES_PORT,
      created: embedded.created
    }, embedded.created
      ? 'created embedded Postgres and applied schema.sql'
      : 'started embedded Postgres with existing data')
  } else {
    app.log.info({ database: describeDatabase(config.DATABASE_URL as string) }, 'using DATABASE_URL')
  }

  let closing = false
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) {
      app.log.warn({ signal }, 'second signal, exiting now')
      process.exit(1)
    }
    closing = true
    app.log.info({ signal }, 'shutting down')
    await app.close()
    await embedded?.stop()
    app.log.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', (signal) => { void shutdown(signal) })
  process.on('SIGINT', (signal) => { void shutdown(signal) })
  process.on('SIGHUP', (signal) => { void shutdown(signal) })

  try {
    await app.listen({ host: config.HOST, port: config.PORT })
  } catch (error) {
    app.log.fatal({ err: error }, 'failed to listen')
    await app.close()
    await embedded?.stop()
    process.exit(1)
  }
}

await main()
