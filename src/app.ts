import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { IDatabaseConnection } from '@pgtyped/runtime'
import type pg from 'pg'
import type { Config } from './config/index.js'
import { createPool, retryingConnection } from './db/pool.js'
import { registerErrorHandlers, sendClientError, sendFrameworkError } from './errors/handler.js'
import { HttpProblem } from './errors/problem.js'
import { formatValidationError } from './errors/validation.js'
import { loggerOptions, RequestLogController } from './logger.js'
import { registerMetrics } from './plugins/metrics.js'
import { registerOpenApi } from './plugins/openapi.js'
import { registerRoutes } from './routes/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Connection pool shared by all routes, for transactions; closed when the app closes. */
    pool: pg.Pool
    /** Connection for single generated queries: the pool, with retries. */
    db: IDatabaseConnection
    /** True once shutdown began; GET /readyz then returns 503. */
    shuttingDown: boolean
    /** Maximum wait of GET /readyz for its database round trip, in ms. */
    readinessTimeoutMs: number
    /** Requests received and not yet responded to, for the shutdown log. */
    inFlight: number
  }
}

/** An incoming X-Request-Id is reused only when it looks like an id. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/

function requestId (request: IncomingMessage): string {
  const header = request.headers['x-request-id']
  return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID()
}

/** The charset parameter of a Content-Type header, quoted or not. */
const CHARSET_PATTERN = /;\s*charset="?([^";\s]+)"?/i

/** Rejects invalid byte sequences instead of replacing them with U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** Methods whose requests carry a body; others ignore an empty JSON body. */
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH'])

/**
 * Makes JSON the only body type, parsed by a parser that treats an empty body on a bodyless
 * method (DELETE sent with `content-type: application/json`) as no body.
 * Everything else goes to Fastify's parser, which rejects `__proto__` and
 * `constructor` keys.
 */
function registerJsonParser (app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  // Only JSON bodies are accepted; text/plain becomes a 415 like any other type.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
    const charset = CHARSET_PATTERN.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase()
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new HttpProblem(415, 'JSON bodies must be UTF-8; send charset=utf-8 or no charset.'), undefined)
      return
    }
    let body: string
    try {
      body = UTF8.decode(raw as Buffer)
    } catch {
      done(new HttpProblem(400, 'The body is not valid UTF-8.'), undefined)
      return
    }
    if (body === '' && !METHODS_WITH_BODY.has(request.method)) {
      done(null, undefined)
      return
    }
    // The default parser calls done, but its type also allows a returned promise.
    void parseJson(request, body, done)
  })
}

/**
 * Builds the application: logger, validation, error handling, database pool
 * and routes. It does not listen. `config.DATABASE_URL` must be set.
 */
export interface BuildOptions {
  /** Destination for log lines in place of stdout, for tests that read them. */
  logStream?: NodeJS.WritableStream
}

export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  if (config.DATABASE_URL === undefined) {
    throw new Error('buildApp: config.DATABASE_URL is missing; set it or start embedded Postgres first')
  }

  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    bodyLimit: config.BODY_LIMIT,
    logController: new RequestLogController(),
    genReqId: requestId,
    schemaErrorFormatter: formatValidationError,
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: sendClientError,
    // Long path parameters reach the route schema, which rejects them with
    // a problem response, instead of the router's bare 414.
    routerOptions: { maxParamLength: 1000 },
    ajv: {
      // Request bodies keep their JSON types: no coercion, no silent removal
      // of unknown fields. Path and query values are matched as strings.
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false }
    }
  }).withTypeProvider<TypeBoxTypeProvider>()

  const pool = createPool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    logger: app.log
  })
  app.decorate('pool', pool)
  app.decorate('db', retryingConnection(pool))
  app.decorate('shuttingDown', false)
  app.decorate('readinessTimeoutMs', config.READINESS_TIMEOUT_MS)
  app.decorate('inFlight', 0)
  // Registered first, so every request that gets an onResponse was counted.
  app.addHook('onRequest', async () => { app.inFlight++ })
  app.addHook('onResponse', async () => { app.inFlight-- })
  app.addHook('onClose', async () => {
    await pool.end()
  })

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
    // Compressed bodies would reach the JSON parser as binary.
    const encoding = request.headers['content-encoding']
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      throw new HttpProblem(415, 'Compressed request bodies are not supported; send the body without Content-Encoding.')
    }
  })

  // During shutdown, each response closes its keep-alive connection, so the
  // server can close once in-flight requests have their responses.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (app.shuttingDown) {
      reply.header('connection', 'close')
    }
    return payload
  })

  registerJsonParser(app)
  registerErrorHandlers(app)
  await registerOpenApi(app)
  await registerMetrics(app)
  await registerRoutes(app)
  return app
}
