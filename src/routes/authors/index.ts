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
import { notFound } from '../../errors/problem.js'
import { Author, AuthorInput, AuthorListQuery, AuthorPage, AuthorPatch } from '../../schemas/authors.js'
import { IdParams, NoQuery, Problem } from '../../schemas/common.js'
import { parseId } from '../ids.js'
import { decodeCursor, encodeCursor } from './cursor.js'

const DEFAULT_LIMIT = 20

/** Converts a row from any author query into its JSON form. */
function toAuthor (row: IGetAuthorResult): Author {
  return {
    id: row.id,
    name: row.name,
    bio: row.bio,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString()
  }
}

function authorNotFound (id: string): Error {
  return notFound(`Author ${id} does not exist.`)
}

const authorsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.db

  app.post('/', {
    schema: {
      querystring: NoQuery,
      body: AuthorInput,
      response: { 201: Author, 400: Problem }
    }
  }, async (request, reply) => {
    const [row] = await createAuthor.run(request.body, db)
    if (row === undefined) {
      throw new Error('INSERT ... RETURNING returned no row')
    }

    return reply.code(201).header('location', `/authors/${row.id}`).send(toAuthor(row))
  })

  app.get('/', {
    schema: {
      querystring: AuthorListQuery,
      response: { 200: AuthorPage, 400: Problem }
    }
  }, async (request) => {
    const limit = request.query.limit === undefined ? DEFAULT_LIMIT : Number(request.query.limit)
    const after = request.query.cursor === undefined ? undefined : decodeCursor(request.query.cursor)

    // Fetching one extra row shows whether another page follows.
    const rows = await listAuthors.run({ afterName: after?.name, afterId: after?.id, limit: limit + 1 }, db)
    const page = rows.slice(0, limit)
    const last = page.at(-1)

    const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(last) : null
    return { items: page.map(toAuthor), nextCursor }
  })

  app.get('/:id', {
    schema: {
      params: IdParams,
      querystring: NoQuery,
      response: { 200: Author, 400: Problem, 404: Problem }
    }
  }, async (request) => {
    const id = parseId(request.params.id)
    const [row] = id === null ? [] : await getAuthor.run({ id }, db)
    if (row === undefined) {
      throw authorNotFound(request.params.id)
    }

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
    const id = parseId(request.params.id)
    const [row] = id === null ? [] : await replaceAuthor.run({ ...request.body, id }, db)
    if (row === undefined) {
      throw authorNotFound(request.params.id)
    }

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
    const id = parseId(request.params.id)
    const [row] = id === null ? [] : await updateAuthor.run({ ...request.body, id }, db)
    if (row === undefined) {
      throw authorNotFound(request.params.id)
    }

    return toAuthor(row)
  })

  app.delete('/:id', {
    schema: {
      params: IdParams,
      querystring: NoQuery,
      response: { 204: Type.Null(), 400: Problem, 404: Problem }
    }
  }, async (request, reply) => {
    const id = parseId(request.params.id)
    const [row] = id === null ? [] : await deleteAuthor.run({ id }, db)
    if (row === undefined) {
      throw authorNotFound(request.params.id)
    }

    return reply.code(204).send(null)
  })
}

export default authorsRoutes
