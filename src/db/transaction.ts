import type pg from 'pg'
import { QUERY_ERROR } from './pool.js'
import { withRetry } from './retry.js'

/**
 * Runs `work` inside a transaction on one pooled connection. Commits when
 * `work` resolves and rolls back when it throws, then rethrows. A whole
 * transaction that fails with a serialization failure or deadlock runs
 * again (see withRetry), so `work` must have no effects outside the
 * database. A connection whose rollback fails is discarded instead of
 * returned to the pool.
 */
export async function withTransaction<T> (
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>
): Promise<T> {
  return await withRetry(async () => await runOnce(pool, work).catch((error: unknown) => {
    // Counted by the metrics plugin, one event per failed attempt.
    pool.emit(QUERY_ERROR, error)
    throw error
  }))
}

async function runOnce<T> (pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken: Error | undefined
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError
    })
    throw error
  } finally {
    client.release(broken)
  }
}
