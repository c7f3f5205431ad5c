import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { FastifyInstance, RouteOptions } from 'fastify'
import type { Test } from 'tap'
import { buildTestApp } from './app.js'

/** `GET /authors/{id}` for each method of a route, as the OpenAPI document names it. */
export function operationKeys (method: RouteOptions['method'], url: string): string[] {
  // A route at its plugin's prefix is registered as `/authors` and `/authors/`.
  const path = (url.length > 1 ? url.replace(/\/$/, '') : url).replace(/:([A-Za-z0-9_]+)/g, '{$1}')
  return [method].flat().map((one) => `${one.toUpperCase()} ${path}`)
}

/** True for an operation the OpenAPI document must list: not HEAD, /openapi.json or /docs. */
export function isDocumented (key: string): boolean {
  const [method = '', path = ''] = key.split(' ')
  return method !== 'HEAD' && path !== '/openapi.json' && path !== '/docs' && !path.startsWith('/docs/')
}

/**
 * Builds the app on a fresh database, readies it, and lists every route it
 * registers, whatever registers it and in whatever order: Fastify announces
 * each new instance on the `fastify.initialization` channel before buildApp
 * adds anything to it.
 */
export async function buildAppWithRoutes (t: Test): Promise<{ app: FastifyInstance, routes: Set<string> }> {
  const routes = new Set<string>()
  const onInit = (message: unknown): void => {
    const { fastify } = message as { fastify: FastifyInstance }
    fastify.addHook('onRoute', (route) => {
      for (const key of operationKeys(route.method, route.url)) {
        routes.add(key)
      }
    })
  }
  subscribe('fastify.initialization', onInit)
  try {
    const app = await buildTestApp(t)
    await app.ready()
    return { app, routes }
  } finally {
    unsubscribe('fastify.initialization', onInit)
  }
}
