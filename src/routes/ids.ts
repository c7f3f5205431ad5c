import { INT8_MAX } from '../schemas/common.js'
import { badRequest } from '../errors/problem.js'

/**
 * Converts a path id that passed ID_PATTERN into a number. Returns null for
 * an id above 2^53 - 1, which no row can have because the identity columns
 * stop there. Throws 400 for an id beyond the bigint range.
 */
export function parseId (text: string, field = 'params/id'): number | null {
  const value = BigInt(text)
  if (value > INT8_MAX) {
    throw badRequest(`${field} must be at most 9223372036854775807`)
  }
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null
}

/**
 * Runs `query` for the row with the path id `text`, and returns its one
 * row. Throws `missing(text)` when no row matches or no row can have the id.
 */
export async function rowById<Row> (
  text: string,
  query: (id: number) => Promise<Row[]>,
  missing: (text: string) => Error
): Promise<Row> {
  const id = parseId(text)
  const [row] = id === null ? [] : await query(id)
  if (row === undefined) {
    throw missing(text)
  }
  return row
}
