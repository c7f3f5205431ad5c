import { decodeCursor, invalidCursor, isId } from '../pagination.js'

/** Position after which the next page of authors starts: the list orders by name, then id. */
export interface AuthorPosition {
  name: string
  id: number
}

/** Decodes an author list cursor; anything encodeCursor did not make from a position is a 400. */
export function decodeAuthorCursor (text: string): AuthorPosition {
  const [name, id] = decodeCursor(text, 2)
  if (typeof name !== 'string' || name.includes('\u0000') || [...name].length > 32 || !isId(id)) {
    throw invalidCursor()
  }
  return { name, id }
}
