import type { IDatabaseConnection } from '@pgtyped/runtime'
import pg from 'pg'
import { withRetry } from './retry.js'
import { typeParsers } from './type-parsers.js'
import type { FastifyBaseLogger } from 'fastify'

export interface PoolOptions {
  connectionString: string
  max: number
  connectTimeoutMs: number
  statementTimeoutMs: number
  logger: FastifyBaseLogger
}

/**
 * Creates the connection pool. Each connection runs its statements with
 * `statement_timeout` and DateStyle ISO, which the date and time parsers
 * of src/db/type-parsers.ts read. An error on an idle connection is logged
 * as a warning instead of crashing the process.
 */
export function createPool (options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    application_name: 'authors-service',
    // A DateStyle set on the server, database or role could otherwise
    // change how dates and timestamps arrive.
    options: '-c DateStyle=ISO',
    types: typeParsers
  })
  pool.on('error', (error: Error & { code?: string }) => {
    // pg attaches the client to the error; log only the cause.
    // The pool replaces the connection, so no request fails because of it.
    options.logger.warn({ sqlState: error.code, error: error.message }, 'idle database connection failed')
  })
  return pool
}

/**
 * Event the pool emits with the error of every failed attempt of a
 * statement, retried attempts included; src/plugins/metrics.ts counts them.
 * A symbol cannot clash with pg's own events.
 */
export const QUERY_ERROR = Symbol('queryError')

/**
 * Wraps the pool as the connection that generated queries run on. Each
 * statement runs on its own, so one that fails with a serialization
 * failure or deadlock is safe to run again (see withRetry).
 */
export function retryingConnection (pool: pg.Pool): IDatabaseConnection {
  return {
    query: async (text: string, values: unknown[]) => {
      const result = await withRetry(async () => await pool.query(text, values).catch((error: unknown) => {
        pool.emit(QUERY_ERROR, error)
        throw error
      }))
      return { rows: result.rows, rowCount: result.rowCount ?? 0 }
    }
  }
}

/** Host, port and database of a connection string, without credentials, for logs. */
export function describeDatabase (connectionString: string): string {
  const url = new URL(connectionString)
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`
}
