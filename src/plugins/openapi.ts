import { existsSync, readFileSync } from 'node:fs'
import { STATUS_CODES } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { PROBLEM_TYPES } from '../errors/problem.js'
import { Problem } from '../schemas/common.js'

/** Paths of the document and the reference page, which the document leaves out. */
export const OPENAPI_PATH = '/openapi.json'
export const DOCS_PREFIX = '/docs'

const PROBLEM_CONTENT_TYPE = 'application/problem+json'
const PROBLEM_REF = '#/components/schemas/Problem'

/** Operation fields of a Path Item Object, in the order the specification lists them. */
const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

/**
 * What each error status means, after docs/errors.md. The plugin writes
 * these into every operation, so routes declare only what is specific to
 * them (404, 409, 422). Nothing here may depend on the configuration,
 * because openapi.json is generated with a throwaway one.
 */
const ERROR_MEANINGS: Record<number, string> = {
  400: 'The request is malformed: a path, query or body value fails validation, an unknown field or query parameter is present, the JSON cannot be parsed, or the URL is malformed.',
  404: 'No resource has this id.',
  409: 'The request conflicts with stored data: a unique value such as `isbn` is taken, or the resource is still referenced.',
  413: 'The body is larger than the service accepts (`BODY_LIMIT` bytes).',
  415: 'The request has a `Content-Encoding`, or a body that is not `application/json` in UTF-8.',
  422: 'The body refers to a resource that does not exist.',
  500: 'An unexpected failure. The detail holds only the request id, under which the log has the cause.',
  503: 'The database is unreachable, too slow or too busy, or the service is shutting down. `Retry-After` gives the seconds to wait.'
}

/**
 * Statuses every operation can return: 400 for a malformed path, query or
 * URL; 415 because the onRequest hook in src/app.ts refuses a
 * `Content-Encoding` on any request; 500; 503 when the database fails.
 */
const ALWAYS = [400, 415, 500, 503]
/**
 * Methods whose bodies Fastify reads, and so can be 413, whether or not the
 * route expects one: a DELETE with a large body is 413 and with a body
 * that is not JSON 415. GET, HEAD and OPTIONS bodies are ignored.
 */
const METHODS_READING_BODY = new Set(['post', 'put', 'patch', 'delete'])

const API_DESCRIPTION = [
  'JSON in and out, camelCase field names; ids are JSON integers.',
  '',
  'Every error is `application/problem+json` (RFC 9457) with `type`, `title`, `status` and `detail`.',
  'An unknown path is 404; a known path requested with a method it lacks is 405 with an `Allow` header.',
  'Every response carries `x-request-id`: the incoming `X-Request-Id` when it is 1 to 128 characters of',
  '`A-Z a-z 0-9 . _ : -`, a new UUID otherwise.'
].join('\n')

interface ResponseObject {
  description: string
  headers?: Record<string, unknown>
  content?: Record<string, unknown>
}

interface OperationObject {
  tags?: string[]
  operationId?: string
  requestBody?: unknown
  responses?: Record<string, ResponseObject>
}

type PathItemObject = Partial<Record<typeof OPERATION_METHODS[number], OperationObject>>

interface OpenApiObject {
  paths?: Record<string, PathItemObject>
  components?: { schemas?: Record<string, unknown> }
}

/** name and version of the project's package.json, found upward from this module (src/ or dist/src/). */
function readPackageInfo (): { name: string, version: string } {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown, version?: unknown }
      if (typeof name !== 'string' || typeof version !== 'string') {
        throw new Error(`${file} has no name or version`)
      }
      return { name, version }
    }
    const parent = dirname(dir)
    if (parent === dir) {
      throw new Error('registerOpenApi: no package.json above src/plugins')
    }
    dir = parent
  }
}

function problemResponse (status: number): ResponseObject {
  const problemType = PROBLEM_TYPES[status]
  const typeNote = problemType === undefined ? '' : ` Problem type \`/problems/${problemType.name}\`.`
  const response: ResponseObject = {
    description: `${ERROR_MEANINGS[status] ?? STATUS_CODES[status] ?? 'Error'}${typeNote}`,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: PROBLEM_REF } } }
  }
  if (status === 503) {
    response.headers = {
      'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'string', pattern: '^[0-9]+$' } }
    }
  }
  return response
}

/** `getAuthorsById` for GET /authors/{id}: unique per method and path. */
function operationIdFor (method: string, path: string): string {
  const words = path.split('/').filter((segment) => segment !== '').map((segment) => {
    const param = /^\{(.+)\}$/.exec(segment)?.[1]
    return param === undefined ? segment : `by-${param}`
  })
  return [method, ...words].join('-').split(/[^A-Za-z0-9]+/).filter((word) => word !== '')
    .map((word, index) => index === 0 ? word.toLowerCase() : word[0]?.toUpperCase() + word.slice(1))
    .join('')
}

/**
 * Completes the generated document without touching the routes. Every
 * operation gets a tag (the first path segment) and an operationId unless
 * its route declares them. Every error status, declared or added (400, 415,
 * 500 and 503 everywhere, 413 where Fastify reads a body), becomes an
 * application/problem+json response with the shared Problem schema.
 * Success responses get their status text, and 201 its Location header.
 */
export function completeDocument<T> (document: T): T {
  const openapi = document as OpenApiObject
  const schemas = openapi.components?.schemas ?? {}
  // A JSON copy drops TypeBox's non-enumerable `~kind` markers.
  schemas.Problem = {
    ...JSON.parse(JSON.stringify(Problem)) as object,
    description: 'An RFC 9457 problem: `type` is `/problems/<name>`, one name per status (docs/errors.md).'
  }
  openapi.components = { ...openapi.components, schemas }

  const operationIds = new Map<string, string>()
  for (const [path, item] of Object.entries(openapi.paths ?? {})) {
    for (const method of OPERATION_METHODS) {
      const operation = item[method]
      if (operation === undefined) {
        continue
      }
      const where = `${method.toUpperCase()} ${path}`
      const firstSegment = path.split('/').find((segment) => segment !== '')
      if (operation.tags === undefined && firstSegment !== undefined) {
        operation.tags = [firstSegment]
      }
      operation.operationId ??= operationIdFor(method, path)
      const other = operationIds.get(operation.operationId)
      if (other !== undefined) {
        throw new Error(`openapi: ${where} and ${other} have the same operationId ${operation.operationId}`)
      }
      operationIds.set(operation.operationId, where)

      const responses = operation.responses ?? {}
      const statuses = new Set([
        ...Object.keys(responses).map(Number),
        ...ALWAYS,
        ...(METHODS_READING_BODY.has(method) || operation.requestBody !== undefined ? [413] : [])
      ])
      for (const status of statuses) {
        if (status >= 400) {
          responses[status] = problemResponse(status)
          continue
        }
        const response = responses[status]
        if (response !== undefined && response.description === 'Default Response') {
          response.description = STATUS_CODES[status] ?? response.description
        }
        if (response !== undefined && status === 201) {
          response.headers = { Location: { description: 'Path of the created resource.', schema: { type: 'string' } }, ...response.headers }
        }
      }
      operation.responses = responses
    }
  }
  return document
}

/**
 * Serializes a document in the form openapi.json stores: keys sorted at every
 * level, two-space indentation and a trailing newline, so the file changes
 * only when the API does.
 */
export function formatOpenApiDocument (document: unknown): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map(sortKeys)
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]))
    }
    return value
  }
  return `${JSON.stringify(sortKeys(document), null, 2)}\n`
}

/**
 * Registers the OpenAPI 3.1 document, generated from the routes' schemas,
 * at GET /openapi.json and Swagger UI at /docs. Must run before the routes
 * register: @fastify/swagger collects them with an onRoute hook.
 */
export async function registerOpenApi (app: FastifyInstance): Promise<void> {
  const { name, version } = readPackageInfo()
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: name, version, description: API_DESCRIPTION },
      servers: [{ url: '/' }]
    },
    // A route at its plugin's prefix (`/` under `/authors`) also matches
    // without the slash, and the document names the form the README uses.
    transform: ({ schema, url }) => ({ schema, url: url.length > 1 ? url.replace(/\/$/, '') : url }),
    transformObject: (documentObject) => 'openapiObject' in documentObject
      ? completeDocument(documentObject.openapiObject)
      : documentObject.swaggerObject
  })

  // The UI and its assets come from the package; its own routes are hidden.
  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PREFIX,
    // No badge from validator.swagger.io: the page loads nothing from outside.
    validatorUrl: false
  })

  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger())
}
