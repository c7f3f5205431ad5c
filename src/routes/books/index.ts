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
import { parseId } from '../ids.js'
import { decodeIdCursor, encodeIdCursor } from './cursor.js'
import { checkIsbn, likePattern, toBook, toBookWithAuthor } from './mapping.js'

const DEFAULT_LIMIT = 20

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
    const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit)
    const authorId = filterValue(query.authorId)
    const tags = [query.tag ?? []].flat().filter((tag) => tag !== '')
    const q = filterValue(query.q)

    // One extra row shows whether another page follows.
    const rows = await listBooks.run({
      authorId: authorId === undefined ? undefined : parseId(authorId, 'querystring/authorId') ?? 0,
      tags,
      publishedFrom: filterValue(query.publishedFrom),
      publishedTo: filterValue(query.publishedTo),
      titlePattern: q === undefined ? undefined : likePattern(q),
      afterId: query.cursor === undefined ? undefined : decodeIdCursor(query.cursor),
      limit: limit + 1
    }, db)
    const page = rows.slice(0, limit)
    const last = page.at(-1)

    const nextCursor = rows.length > limit && last !== undefined ? encodeIdCursor(last.id) : null
    return { items: page.map(toBook), nextCursor }
  })

  app.get('/:id', {
    schema: {
      params: IdParams,
      querystring: NoQuery,
      response: { 200: BookWithAuthor, 400: Problem, 404: Problem }
    }
  }, async (request) => {
    const id = parseId(request.params.id)
    const [row] = id === null ? [] : await getBook.run({ id }, db)
    if (row === undefined) {
      throw bookNotFound(request.params.id)
    }

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
    const id = parseId(request.params.id)
    const { authorId, title, isbn = null, publishedOn = null, tags = [] } = request.body
    checkIsbn(isbn)

    const [row] = id === null ? [] : await replaceBook.run({ id, authorId, title, isbn, publishedOn, tags }, db)
    if (row === undefined) {
      throw bookNotFound(request.params.id)
    }

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
    const id = parseId(request.params.id)
    const body = request.body
    checkIsbn(body.isbn)

    const [row] = id === null
      ? []
      : await updateBook.run({
        id,
        authorId: body.authorId,
        title: body.title,
        tags: body.tags,
        // `in` tells an explicit null, which clears the column, from absence.
        setIsbn: 'isbn' in body,
        isbn: body.isbn,
        setPublishedOn: 'publishedOn' in body,
        publishedOn: body.publishedOn
      }, db)
    if (row === undefined) {
      throw bookNotFound(request.params.id)
    }

    return toBook(row)
  })

  app.delete('/:id', {
    schema: {
      params: IdParams,
      querystring: NoQuery,
      response: { 204: Type.Null(), 400: Problem, 404: Problem }
    }
  }, async (request, reply) => {
    const id = parseId(request.params.id)
    const [row] = id === null ? [] : await deleteBook.run({ id }, db)
    if (row === undefined) {
      throw bookNotFound(request.params.id)
    }

    return reply.code(204).send(null)
  })
}

export default booksRoutes
