import { badRequest } from '../../errors/problem.js'

/** Encodes the id after which the next page of books starts. */
export function encodeIdCursor (id: number): string {
  return Buffer.from(JSON.stringify([id])).toString('base64url')
}

/** Decodes a cursor from encodeIdCursor; anything else is a 400. */
export function decodeIdCursor (text: string): number {
  const bytes = Buffer.from(text, 'base64url')
  let value: unknown
  try {
    value = bytes.toString('base64url') === text ? JSON.parse(bytes.toString('utf8')) : undefined
  } catch {
    value = undefined
  }
  const id = Array.isArray(value) && value.length === 1 ? value[0] : undefined
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw badRequest('query parameter cursor is invalid; pass nextCursor from a previous page')
  }
  return id
}
