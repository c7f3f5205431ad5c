import { badRequest } from '../errors/problem.js'

/** Page size when a request gives no `limit`. */
export const DEFAULT_LIMIT = 20

/** Reads the `limit` query parameter, which LIMIT_PATTERN has already checked. */
export function pageLimit (text: string | undefined): number {
  return text === undefined ? DEFAULT_LIMIT : Number(text)
}

/** Encodes a keyset position (the ORDER BY values of a row) as opaque base64url text. */
export function encodeCursor (position: unknown[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

/** The error for a cursor that encodeCursor did not make. */
export function invalidCursor (): Error {
  return badRequest('query parameter cursor is invalid; pass nextCursor from a previous page')
}

/**
 * Decodes a cursor from encodeCursor into its position, which the caller
 * checks further. Throws 400 for text that is not canonical base64url or
 * not a JSON array of `length` values.
 */
export function decodeCursor (text: string, length: number): unknown[] {
  const bytes = Buffer.from(text, 'base64url')
  // Node's decoder skips invalid characters, so insist on a round trip.
  if (bytes.toString('base64url') !== text) {
    throw invalidCursor()
  }
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw invalidCursor()
  }
  if (!Array.isArray(value) || value.length !== length) {
    throw invalidCursor()
  }
  return value
}

/** True for a value that can be a row id. */
export function isId (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1
}

/**
 * Builds a page from rows fetched with `LIMIT limit + 1`: the extra row only
 * shows that another page follows, and the cursor points after the last
 * row returned.
 */
export function toPage<Row, Item> (
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  positionOf: (row: Row) => unknown[]
): { items: Item[], nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null
  return { items: page.map(toItem), nextCursor }
}
