import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type pg from 'pg'

/**
 * Finds schema.sql at the project root by walking up from this file, so the
 * same lookup works from `src/db` under tsx and from `dist/src/db` after a
 * build.
 */
export function schemaPath (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'schema.sql')
    if (existsSync(candidate)) {
      return candidate
    }
    const parent = dirname(dir)
    if (parent === dir) {
      throw new Error('schema.sql not found in any folder above ' + fileURLToPath(import.meta.url))
    }
    dir = parent
  }
}

/**
 * schema.sql failed to apply. The message starts with `schema.sql:<line>:`
 * when Postgres reports the position of the error, and the cause is the
 * database error.
 */
export class SchemaError extends Error {
  override name = 'SchemaError'
}

/** Wraps an error from running `sql` (the text of schema.sql) with the line it failed on. */
export function toSchemaError (sql: string, error: unknown): SchemaError {
  const message = error instanceof Error ? error.message : String(error)
  const position = Number((error as { position?: string }).position)
  if (!Number.isInteger(position) || position < 1) {
    return new SchemaError(`schema.sql: ${message}`, { cause: error })
  }
  const line = sql.slice(0, position - 1).split('\n').length
  return new SchemaError(`schema.sql:${line}: ${message}`, { cause: error })
}

/** Runs schema.sql in one transaction on an empty database; throws SchemaError when it fails. */
export async function applySchema (client: pg.ClientBase): Promise<void> {
  const sql = await readFile(schemaPath(), 'utf8')
  await client.query('BEGIN')
  try {
    await client.query(sql)
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK')
    throw toSchemaError(sql, error)
  }
}
