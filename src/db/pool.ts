import { createHash } from 'node:crypto'
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

/** Maximum number of distinct statement texts that get a name; texts beyond it run unnamed. */
const MAX_NAMED_STATEMENTS = 200

/**
 * Creates a function that names each SQL text after its hash, for the
 * first MAX_NAMED_STATEMENTS distinct texts, and returns undefined after
 * that. The limit bounds the statements prepared on each connection when
 * callers build texts at run time.
 */
function statementNamer (): (text: string) => string | undefined {
  const names = new Map<string, string>()
  return (text) => {
    let name = names.get(text)
    if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
      name = 'q_' + createHash('sha1').update(text).digest('hex').slice(0, 24)
      names.set(text, name)
    }
    return name
  }
}

/**
 * Wraps the pool as the connection that generated queries run on. Each
 * statement runs on its own, so one that fails with a serialization
 * failure or deadlock is safe to run again (see withRetry).
 *
 * Statements run as named prepared statements: pg sends each text to
 * Postgres once per connection, later runs send only Bind and Execute,
 * so Postgres skips parsing and, after five runs, may reuse a generic plan.
 * NOTE: PgBouncer in transaction mode supports them only from 1.21 on,
 * with max_prepared_statements set. A column type changed under a running
 * service fails the statements that return it with "cached plan must not
 * change result type" until the pool replaces its connections.
 */
export function retryingConnection (pool: pg.Pool): IDatabaseConnection {
  const nameOf = statementNamer()
  return {
    query: async (text: string, values: unknown[]) => {
      const statement = { name: nameOf(text), text, values }
      const result = await withRetry(async () => await pool.query(statement).catch((error: unknown) => {
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
