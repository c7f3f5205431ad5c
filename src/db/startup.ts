import type { FastifyBaseLogger } from 'fastify'
import { setTimeout as sleep } from 'node:timers/promises'
import type pg from 'pg'
import { problemFromDatabaseError } from '../errors/postgres.js'

/** Tables the queries use; schema.sql creates them. */
const REQUIRED_TABLES = ['authors', 'books']

const FIRST_DELAY_MS = 250
const MAX_DELAY_MS = 5000

/** The database cannot serve the service; the message names the fix. */
export class DatabaseNotReadyError extends Error {
  override name = 'DatabaseNotReadyError'
}

/**
 * Waits until the database responds, retrying with exponential backoff for up
 * to `timeoutMs` and logging each failed attempt, then checks that the
 * tables from schema.sql exist. Throws DatabaseNotReadyError when time runs
 * out, the database rejects the connection, a table is missing, or `signal`
 * aborts the wait.
 */
export async function waitForDatabase (
  pool: pg.Pool,
  timeoutMs: number,
  log: FastifyBaseLogger,
  signal?: AbortSignal
): Promise<void> {
  const started = Date.now()
  const deadline = started + timeoutMs
  let delayMs = FIRST_DELAY_MS
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query('SELECT 1')
      break
    } catch (error) {
      // Only an unreachable server is worth waiting for; a rejected
      // password or a missing database will not fix itself.
      if (problemFromDatabaseError(error as Error)?.status !== 503) {
        throw new DatabaseNotReadyError(`database rejected the connection: ${(error as Error).message}`, { cause: error })
      }
      if (Date.now() + delayMs > deadline) {
        throw new DatabaseNotReadyError(
          `database unreachable after ${attempt} attempts in ${Date.now() - started} ms ` +
          `(DATABASE_STARTUP_TIMEOUT_MS is ${timeoutMs})`,
          { cause: error }
        )
      }
      log.warn({ attempt, retryInMs: delayMs, error: (error as Error).message }, 'database unreachable, retrying')
      try {
        await sleep(delayMs, undefined, { signal })
      } catch {
        throw new DatabaseNotReadyError('start-up cancelled while waiting for the database')
      }
      delayMs = Math.min(delayMs * 2, MAX_DELAY_MS)
    }
  }

  const result = await pool.query<{ name: string }>(
    'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL',
    [REQUIRED_TABLES]
  )
  if (result.rows.length > 0) {
    const missing = result.rows.map((row) => row.name).join(', ')
    throw new DatabaseNotReadyError(`table ${missing} missing from the database; load schema.sql into it`)
  }
}
