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

/** Runs schema.sql in one transaction on an empty database. */
export async function applySchema (client: pg.ClientBase): Promise<void> {
  const sql = await readFile(schemaPath(), 'utf8')
  await client.query('BEGIN')
  try {
    await client.query(sql)
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK')
    throw error
  }
}
