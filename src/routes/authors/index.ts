import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  createAuthor,
  deleteAuthor,
  getAuthor,
  listAuthors,
  replaceAuthor,
  updateAuthor,
  type IGetAuthorResult
} from '../../../generated/authors.queries.js'
import type { IDatabaseConnection } from '@pgtyped/runtime'
import { createBook, listAuthorBooks, type IListAuthorBooksResult } from '../../../generated/books.queries.js'
import { withTransaction } from '../../db/transaction.js'
import { notFound } from '../../errors/problem.js'
import {
  Author,
  AuthorCreate,
  AuthorInput,
  AuthorListQuery,
  AuthorPage,
  AuthorPatch,
  AuthorWithBooks
} from '../../schemas/authors.js'
import { BookPage, PageQuery, type Book, type NestedBookInput } from '../../schemas/books.js'
import { decodeIdCursor } from '../books/cursor.js'
import { checkIsbn, toBook, type BookRow } from '../books/mapping.js'
import { pageLimit, toPage } from '../pagination.js'
import { IdParams, NoQuery, Problem } from '../../schemas/common.js'
import { parseId, rowById } from '../ids.js'
import { decodeAuthorCursor } from './cursor.js'

/**
 * Inserts an author and, when `books` is given, its books, on one
 * connection. With books the caller must wrap it in a transaction; a
 * single INSERT is atomic by itself.
 */
async function createWithBooks (
  connection: IDatabaseConnection,
  author: { name: string, bio: string },
  books: NestedBookInput[] | undefined
): Promise<AuthorWithBooks> {
  const [row] = await createAuthor.run(author, connection)
  if (row === undefined) {
    throw new Error('INSERT ... RETURNING returned no row')
  }
  if (books === undefined) {
    return toAuthor(row)
  }

  const created: Book[] = []
  for (const book of books) {
    const { title, isbn = null, publishedOn = null, tags = [] } = book
    const [bookRow] = await createBook.run({ authorId: row.id, title, isbn, publishedOn, tags }, connection)
    if (bookRow === undefined) {
      throw new Error('INSERT ... RETURNING returned no row')
    }
    created.push(toBook(bookRow))
  }
  return { ...toAuthor(row), books: created }
}

/**
 * Reads the book columns of a listAuthorBooks row, whose types are nullable
 * because they come from the outer side of a LEFT JOIN. Returns undefined
 * for the row of an author with no books.
 */
function bookFromOuterJoin (row: IListAuthorBooksResult): BookRow | undefined {
  const { id, title, tags, createdAt, updatedAt } = row
  if (id === null || title === null || tags === null || createdAt === null || updatedAt === null) {
    return undefined
  }
  const { authorId, isbn, publishedOn } = row
  return { id, authorId, title, isbn, publishedOn, tags, createdAt, updatedAt }
}

/**
 * Converts a row from any author query into its JSON form. The rest of the
 * destructuring must be empty, so a column added to or removed from a
 * query's result fails the type check here until the API handles it.
 */
function toAuthor (row: IGetAuthorResult): Author {
  const { id, name, bio, createdAt, updatedAt, ...unhandled } = row
  const noColumnsLeft: Record<string, never> = unhandled
  void noColumnsLeft
  return { id, name, bio, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() }
}

function authorNotFound (id: string): Error {
  return notFound(`Author ${id} does not exist.`)
}

const authorsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.db

  app.post('/', {
    schema: {
      querystring: NoQuery,
      body: AuthorCreate,
      response: { 201: AuthorWithBooks, 400: Problem, 409: Problem }
    }
  }, async (request, reply) => {
    const { name, bio, books } = request.body
    books?.forEach((book, index) => { checkIsbn(book.isbn, `body/books/${index}/isbn`) })

    // Without books, one statement on app.db saves the BEGIN and COMMIT
    // round trips, and runs as a prepared statement.
    const created = books === undefined
      ? await createWithBooks(db, { name, bio }, books)
      : await withTransaction(app.pool, async (client) => await createWithBooks(client, { name, bio }, books))

    return reply.code(201).header('location', `/authors/${created.id}`).send(created)
  })

  app.get('/:id/books', {
    schema: {
      params: IdParams,
      querystring: PageQuery,
      response: { 200: BookPage, 400: Problem, 404: Problem }
    }
  }, async (request) => {
    const id = parseId(request.params.id)
    const limit = pageLimit(request.query.limit)
    const afterId = request.query.cursor === undefined ? undefined : decodeIdCursor(request.query.cursor)

    // No row: unknown author. One row with a null book id: no (more) books.
    const rows = id === null ? [] : await listAuthorBooks.run({ authorId: id, afterId, limit: limit + 1 }, db)
    if (rows.length === 0) {
      throw authorNotFound(request.params.id)
    }
    const books = rows.flatMap((row) => {
      const book = bookFromOuterJoin(row)
      return book === undefined ? [] : [book]
    })

    return toPage(books, limit, toBook, (book) => [book.id])
  })

  app.get('/', {
    schema: {
      querystring: AuthorListQuery,
      response: { 200: AuthorPage, 400: Problem }
    }
  }, async (request) => {
    const limit = pageLimit(request.query.limit)
    const after = request.query.cursor === undefined ? undefined : decodeAuthorCursor(request.query.cursor)

    const rows = await listAuthors.run({ afterName: after?.name, afterId: after?.id, limit: limit + 1 }, db)
    return toPage(rows, limit, toAuthor, (row) => [row.name, row.id])
  })

  app.get('/:id', {
    schema: {
      params: IdParams,
      querystring: NoQuery,
      response: { 200: Author, 400: Problem, 404: Problem }
    }
  }, async (request) => {
    const row = await rowById(
      request.params.id,
      async (id) => await getAuthor.run({ id }, db),
      authorNotFound
    )

    return toAuthor(row)
  })

  app.put('/:id', {
    schema: {
      params: IdParams,
      querystring: NoQuery,
      body: AuthorInput,
      response: { 200: Author, 400: Problem, 404: Problem }
    }
  }, async (request) => {
    const row = await rowById(
      request.params.id,
      async (id) => await replaceAuthor.run({ ...request.body, id }, db),
      authorNotFound
    )

    return toAuthor(row)
  })

  app.patch('/:id', {
    schema: {
      params: IdParams,
      querystring: NoQuery,
      body: AuthorPatch,
      response: { 200: Author, 400: Problem, 404: Problem }
    }
  }, async (request) => {
    const row = await rowById(
      request.params.id,
      async (id) => await updateAuthor.run({ ...request.body, id }, db),
      authorNotFound
    )

    return toAuthor(row)
  })

  app.delete('/:id', {
    schema: {
      params: IdParams,
      querystring: NoQuery,
      response: { 204: Type.Null(), 400: Problem, 404: Problem, 409: Problem }
    }
  }, async (request, reply) => {
    await rowById(
      request.params.id,
      async (id) => await deleteAuthor.run({ id }, db),
      authorNotFound
    )

    return reply.code(204).send(null)
  })
}

export default authorsRoutes
