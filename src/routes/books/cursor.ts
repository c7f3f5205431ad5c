import { decodeCursor, invalidCursor, isId } from '../pagination.js'

/** Decodes a book list cursor, whose position is the last book id; anything else is a 400. */
export function decodeIdCursor (text: string): number {
  const [id] = decodeCursor(text, 1)
  if (!isId(id)) {
    throw invalidCursor()
  }
  return id
}
