import type { ICreateBookResult, IGetBookResult } from '../../../generated/books.queries.js'
import { badRequest } from '../../errors/problem.js'
import type { Book, BookWithAuthor } from '../../schemas/books.js'

/** The row every single-book query returns. */
export type BookRow = ICreateBookResult

/**
 * Converts a book row into its JSON form. The rest of the destructuring must
 * be empty, so a column added to a query's result fails the type check
 * here until the API handles it, and a removed one fails it as well.
 */
export function toBook (row: BookRow): Book {
  const { id, authorId, title, isbn, publishedOn, tags, createdAt, updatedAt, ...unhandled } = row
  const noColumnsLeft: Record<string, never> = unhandled
  void noColumnsLeft
  return {
    id,
    authorId,
    title,
    isbn,
    publishedOn,
    tags,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString()
  }
}

/** Converts the joined row of getBook into a book with its author. */
export function toBookWithAuthor (row: IGetBookResult): BookWithAuthor {
  const { authorName, ...book } = row
  return { ...toBook(book), author: { id: row.authorId, name: authorName } }
}

/**
 * Rejects an ISBN-13 whose check digit is wrong: the weighted digit sum
 * (weights 1, 3, 1, 3, ...) must be a multiple of 10. The route schema has
 * already checked the shape; schema.sql checks the same rule.
 */
export function checkIsbn (isbn: string | null | undefined, field = 'body/isbn'): void {
  if (isbn === null || isbn === undefined) {
    return
  }
  let sum = 0
  for (const [index, digit] of [...isbn].entries()) {
    sum += Number(digit) * (index % 2 === 0 ? 1 : 3)
  }
  if (sum % 10 !== 0) {
    throw badRequest(`${field} has a wrong check digit`)
  }
}

/** Escapes `%`, `_` and `\` so text matches literally inside an ILIKE pattern. */
export function likePattern (text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`
}
