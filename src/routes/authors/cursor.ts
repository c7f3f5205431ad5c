import { badRequest } from '../../errors/problem.js'

/** Position after which the next page of authors starts. */
export interface AuthorCursor {
  name: string
  id: number
}

/** Encodes a position as opaque base64url text. */
export function encodeCursor (cursor: AuthorCursor): string {
  return Buffer.from(JSON.stringify([cursor.name, cursor.id])).toString('base64url')
}

/**
 * Decodes a cursor from encodeCursor. Throws 400 for anything else: text
 * that is not canonical base64url, or JSON of the wrong shape.
 */
export function decodeCursor (text: string): AuthorCursor {
  const bytes = Buffer.from(text, 'base64url')
  // Node's decoder skips invalid characters, so insist on a round trip.
  if (bytes.toString('base64url') !== text) {
    throw invalid()
  }
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw invalid()
  }
  if (!Array.isArray(value) || value.length !== 2) {
    throw invalid()
  }
  const [name, id] = value as unknown[]
  if (typeof name !== 'string' || name.includes('\u0000') || [...name].length > 32) {
    throw invalid()
  }
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw invalid()
  }
  return { name, id }
}

function invalid (): Error {
  return badRequest('query parameter cursor is invalid; pass nextCursor from a previous page')
}
