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
