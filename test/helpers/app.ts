import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { createTestDatabase } from './database.js'

/**
 * Builds the app on a fresh test database with logging off, and closes it
 * when the test ends. `env` adds or overrides configuration variables.
 */
export async function buildTestApp (t: Test, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const databaseUrl = await createTestDatabase(t)
  const config = loadConfig({
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, ...env }
  })
  const app = await buildApp(config)
  t.teardown(async () => { await app.close() })
  return app
}
