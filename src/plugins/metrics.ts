import type { EventEmitter } from 'node:events'
import type { FastifyInstance, LogLevel } from 'fastify'
import pg from 'pg'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { QUERY_ERROR } from '../db/pool.js'
import { problemFromDatabaseError } from '../errors/postgres.js'
import { NoQuery } from '../schemas/common.js'

export const METRICS_PATH = '/metrics'

/**
 * `route` label of requests that matched no route (404, and 405 for a
 * known path), so arbitrary URLs cannot add series. The request log uses
 * the same text.
 */
export const UNMATCHED_ROUTE = '(no route)'

/** `sqlstate_class` label of database errors without a SQLSTATE: connection failures and timeouts. */
export const NO_SQLSTATE = 'connection'

let processRegistry: Registry | undefined

/**
 * Node's default process metrics (CPU, memory, event loop lag, GC, handles)
 * in one registry per process. They describe the process, not an app, and
 * collectDefaultMetrics starts a GC observer and an event loop monitor
 * that are never stopped, so calling it for every app (tests build many)
 * would leak one of each per app.
 */
function processMetrics (): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

/**
 * Returns the SQLSTATE class (first two characters) of a database error,
 * NO_SQLSTATE for a connection error, or undefined for an error that does
 * not come from the database, such as a validation error or a 404.
 */
function sqlStateClass (error: unknown): string | undefined {
  if (error instanceof pg.DatabaseError && error.code !== undefined) {
    return error.code.slice(0, 2)
  }
  // For anything but a pg.DatabaseError, problemFromDatabaseError returns a
  // problem only for connection errors (refused, lost, connect timeout).
  if (error instanceof Error && problemFromDatabaseError(error) !== undefined) {
    return NO_SQLSTATE
  }
  return undefined
}

/**
 * Returns a route log level that keeps its requests out of the request log
 * at info: warn, or the app's level when that is higher. A pino child may
 * log below its parent's level, so warn under LOG_LEVEL=error would add lines.
 */
function quietLevel (appLevel: string): LogLevel {
  return appLevel === 'error' || appLevel === 'fatal' || appLevel === 'silent' ? appLevel : 'warn'
}

/**
 * Registers GET /metrics in the Prometheus text format, from a registry of
 * this app's own (tests build many apps in one process) merged with the
 * process metrics:
 *
 * - http_requests_total and http_request_duration_seconds by method,
 *   route pattern and status code; /metrics itself is left out.
 * - db_pool_connections, db_pool_idle and db_pool_waiting, read from
 *   app.pool when scraped.
 * - db_query_errors_total by SQLSTATE class.
 *
 * Its hooks are added to the root instance, so they reach every route,
 * including those registered before it (Fastify collects hooks when the
 * app gets ready).
 */
export async function registerMetrics (app: FastifyInstance): Promise<void> {
  const registry = new Registry()
  const registers = [registry]
  const httpLabels = ['method', 'route', 'status_code'] as const

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests completed, by method, route pattern and status code.',
    labelNames: httpLabels,
    registers
  })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to sending its response, by method, route pattern and status code.',
    labelNames: httpLabels,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers
  })

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url
    if (route === METRICS_PATH) {
      return
    }
    const labels = { method: request.method, route: route ?? UNMATCHED_ROUTE, status_code: String(reply.statusCode) }
    requests.inc(labels)
    duration.observe(labels, reply.elapsedTime / 1000)
  })

  const { pool } = app
  new Gauge({
    name: 'db_pool_connections',
    help: 'Connections the database pool holds, idle and in use.',
    registers,
    collect () { this.set(pool.totalCount) }
  })
  new Gauge({
    name: 'db_pool_idle',
    help: 'Idle connections in the database pool.',
    registers,
    collect () { this.set(pool.idleCount) }
  })
  new Gauge({
    name: 'db_pool_waiting',
    help: 'Requests waiting for a connection from the database pool.',
    registers,
    collect () { this.set(pool.waitingCount) }
  })

  // Query errors are counted where the statement fails: app.db's pool
  // emits QUERY_ERROR for every failed attempt (src/db/pool.ts), so a
  // serialization failure retried three times counts three, and retries
  // that end in success still show. The error handler alone would see one
  // error per failed request and none of the retries.
  //
  // withTransaction (src/db/transaction.ts) does not emit QUERY_ERROR yet.
  // Its errors are counted when they reach the error handler (the onError
  // hook below): the last attempt only. Errors counted when they failed
  // are remembered so that the hook does not count them again.
  const queryErrors = new Counter({
    name: 'db_query_errors_total',
    help: `Failed database statements by SQLSTATE class, "${NO_SQLSTATE}" for connection errors; app.db counts each retried attempt.`,
    labelNames: ['sqlstate_class'],
    registers
  })
  const counted = new WeakSet<object>()
  const countQueryError = (error: unknown): void => {
    if (typeof error !== 'object' || error === null || counted.has(error)) {
      return
    }
    const sqlClass = sqlStateClass(error)
    if (sqlClass !== undefined) {
      counted.add(error)
      queryErrors.inc({ sqlstate_class: sqlClass })
    }
  }
  // pg's types list only pg's own events for Pool.on; it is an EventEmitter.
  const poolEvents: EventEmitter = pool
  poolEvents.on(QUERY_ERROR, countQueryError)
  app.addHook('onError', async (_request, _reply, error) => {
    countQueryError(error)
  })

  app.get(METRICS_PATH, {
    logLevel: quietLevel(app.log.level),
    schema: { querystring: NoQuery }
  }, async (_request, reply) => {
    const merged = Registry.merge([registry, processMetrics()])
    const text = await merged.metrics()
    return await reply.type(merged.contentType).send(text)
  })
}
