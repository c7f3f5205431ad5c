import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  createBook,
  deleteBook,
  getBook,
  listBooks,
  replaceBook,
  updateBook
} from '../../../generated/books.queries.js'
import { notFound } from '../../errors/problem.js'
import { Book, BookInput, BookListQuery, BookPage, BookPatch, BookWithAuthor } from '../../schemas/books.js'
import { IdParams, NoQuery, Problem } from '../../schemas/common.js'
import { parseId, rowById } from '../ids.js'
import { pageLimit, toPage } from '../pagination.js'
import { decodeIdCursor } from './cursor.js'
import { checkIsbn, likePattern, toBook, toBookWithAuthor } from './mapping.js'

function bookNotFound (id: string): Error {
  return notFound(`Book ${id} does not exist.`)
}

/** Turns a query value that may be absent or empty into undefined. */
function filterValue (value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

const booksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.db
  const failures = { 400: Problem, 404: Problem, 409: Problem, 422: Problem }

  app.post('/', {
    schema: {
      querystring: NoQuery,
      body: BookInput,
      response: { 201: Book, 400: Problem, 409: Problem, 422: Problem }
    }
  }, async (request, reply) => {
    const { authorId, title, isbn = null, publishedOn = null, tags = [] } = request.body
    checkIsbn(isbn)

    const [row] = await createBook.run({ authorId, title, isbn, publishedOn, tags }, db)
    if (row === undefined) {
      throw new Error('INSERT ... RETURNING returned no row')
    }

    return reply.code(201).header('location', `/books/${row.id}`).send(toBook(row))
  })

  app.get('/', {
    schema: {
      querystring: BookListQuery,
      response: { 200: BookPage, 400: Problem }
    }
  }, async (request) => {
    const query = request.query
    const limit = pageLimit(query.limit)
    const authorId = filterValue(query.authorId)
    const tags = [query.tag ?? []].flat().filter((tag) => tag !== '')
    const q = filterValue(query.q)

    const rows = await listBooks.run({
      authorId: authorId === undefined ? undefined : parseId(authorId, 'querystring/authorId') ?? 0,
      tags,
      publishedFrom: filterValue(query.publishedFrom),
      publishedTo: filterValue(query.publishedTo),
      titlePattern: q === undefined ? undefined : likePattern(q),
      afterId: query.cursor === undefined ? undefined : decodeIdCursor(query.cursor),
      limit: limit + 1
    }, db)
    return toPage(rows, limit, toBook, (row) => [row.id])
  })

  app.get('/:id', {
    schema: {
      params: IdParams,
      querystring: NoQuery,
      response: { 200: BookWithAuthor, 400: Problem, 404: Problem }
    }
  }, async (request) => {
    const row = await rowById(
      request.params.id,
      async (id) => await getBook.run({ id }, db),
      bookNotFound
    )

    return toBookWithAuthor(row)
  })

  app.put('/:id', {
    schema: {
      params: IdParams,
      querystring: NoQuery,
      body: BookInput,
      response: { 200: Book, ...failures }
    }
  }, async (request) => {
    const { authorId, title, isbn = null, publishedOn = null, tags = [] } = request.body
    checkIsbn(isbn)

    const row = await rowById(
      request.params.id,
      async (id) => await replaceBook.run({ id, authorId, title, isbn, publishedOn, tags }, db),
      bookNotFound
    )

    return toBook(row)
  })

  app.patch('/:id', {
    schema: {
      params: IdParams,
      querystring: NoQuery,
      body: BookPatch,
      response: { 200: Book, ...failures }
    }
  }, async (request) => {
    const body = request.body
    checkIsbn(body.isbn)

    const row = await rowById(request.params.id, async (id) => await updateBook.run({
      id,
      authorId: body.authorId,
      title: body.title,
      tags: body.tags,
      // `in` separates an explicit null, which clears the column, from absence.
      setIsbn: 'isbn' in body,
      isbn: body.isbn,
      setPublishedOn: 'publishedOn' in body,
      publishedOn: body.publishedOn
    }, db), bookNotFound)

    return toBook(row)
  })

  app.delete('/:id', {
    schema: {
      params: IdParams,
      querystring: NoQuery,
      response: { 204: Type.Null(), 400: Problem, 404: Problem }
    }
  }, async (request, reply) => {
    await rowById(request.params.id, async (id) => await deleteBook.run({ id }, db), bookNotFound)

    return reply.code(204).send(null)
  })
}

export default booksRoutes
