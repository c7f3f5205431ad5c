import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { buildApp, type BuildOptions } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { createTestDatabase } from './database.js'

/**
 * Builds the app on a fresh test database with logging off, and closes it
 * when the test ends. `env` adds or overrides configuration variables; a
 * DATABASE_URL in it replaces the fresh database.
 */
export async function buildTestApp (
  t: Test,
  env: Record<string, string> = {},
  options: BuildOptions = {}
): Promise<FastifyInstance> {
  const databaseUrl = env.DATABASE_URL ?? await createTestDatabase(t)
  const config = loadConfig({
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, ...env }
  })
  const app = await buildApp(config, options)
  t.teardown(async () => { await app.close() })
  return app
}
