import type { FastifyInstance, HTTPMethods } from 'fastify'
import authorsRoutes from './authors/index.js'
import booksRoutes from './books/index.js'
import healthRoutes from './health.js'

/** Registers every route plugin under its prefix. */
export async function registerRoutes (app: FastifyInstance): Promise<void> {
  await app.register(healthRoutes)
  await app.register(authorsRoutes, { prefix: '/authors' })
  await app.register(booksRoutes, { prefix: '/books' })
}

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** Lists the methods that have a route for `path`, empty for an unknown path. */
export function allowedMethods (app: FastifyInstance, path: string): string[] {
  return METHODS.filter((method) => app.findRoute({ method, url: path }) !== null)
}
