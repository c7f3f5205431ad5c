import { Type, type Static } from 'typebox'

/**
 * Environment variables the service reads, with their defaults.
 * `.env.example` documents each one for operators.
 */
export const ConfigSchema = Type.Object({
  NODE_ENV: Type.Enum(['development', 'test', 'production'], { default: 'development' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  LOG_LEVEL: Type.Enum(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    { default: 'info' }
  ),
  LOG_PRETTY: Type.Boolean({ default: false }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  DATABASE_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 5000 }),
  DATABASE_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 5000 }),
  EMBEDDED_POSTGRES_DIR: Type.String({ minLength: 1, default: '.data/postgres' }),
  EMBEDDED_POSTGRES_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 54329 }),
  DATABASE_STARTUP_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 30000 }),
  READINESS_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 1000 }),
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 1, default: 10000 }),
  BODY_LIMIT: Type.Integer({ minimum: 1, default: 1048576 })
})

export type Config = Static<typeof ConfigSchema>
