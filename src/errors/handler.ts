import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { problemFromDatabaseError } from './postgres.js'
import { allowedMethods } from '../routes/index.js'
import { HttpProblem, problemBody } from './problem.js'

const PROBLEM_TYPE = 'application/problem+json'

/**
 * Finds the problem an error stands for. Client errors raised by Fastify
 * itself (validation, bad JSON, unsupported media type, body too large)
 * keep their status and message. Anything unrecognized is a 500.
 */
function toProblem (error: FastifyError): HttpProblem {
  if (error instanceof HttpProblem) {
    return error
  }
  if (error.validation !== undefined) {
    return new HttpProblem(400, error.message)
  }
  const fromDatabase = problemFromDatabaseError(error)
  if (fromDatabase !== undefined) {
    return fromDatabase
  }
  const status = error.statusCode
  if (status !== undefined && status >= 400 && status < 500 && error.code?.startsWith('FST_') === true) {
    return new HttpProblem(status, error.message)
  }
  return new HttpProblem(500, 'An unexpected error occurred.')
}

function sendProblem (reply: FastifyReply, problem: HttpProblem): FastifyReply {
  return reply
    .code(problem.status)
    .headers(problem.headers)
    .type(PROBLEM_TYPE)
    .send(problem.toBody())
}

/**
 * Sends errors that Fastify raises before routing, such as a URL with
 * invalid percent-encoding, as problem responses.
 */
export function sendFrameworkError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 400
  request.log.info({ code: error.code }, 'request rejected before routing')
  void reply
    .header('x-request-id', request.id)
    .code(status)
    .type(PROBLEM_TYPE)
    .send(problemBody(status, status === 400 ? 'The request URL is malformed.' : error.message))
}

/**
 * Responds to requests that Node's HTTP parser rejects (an unknown method,
 * headers too large) with a problem response on the raw socket, because
 * no Fastify request exists yet.
 */
export function sendClientError (error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    return
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
  const detail = status === 431 ? 'The request headers are too large.' : 'The request is not valid HTTP.'
  const body = JSON.stringify(problemBody(status, detail))
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    `Content-Type: ${PROBLEM_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}

/**
 * Sends every error and unknown route as application/problem+json. A known
 * path requested with a method it lacks is 405 with an `Allow` header.
 * 5xx are logged at error level with the cause and the request id. The
 * client gets only a generic detail, with the request id to quote.
 */
export function registerErrorHandlers (app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const problem = toProblem(error)
    if (problem.status >= 500) {
      const sqlState = (error as { code?: unknown }).code
      request.log.error({ err: error, sqlState }, 'request failed')
    }
    if (problem.status === 500) {
      return sendProblem(reply, new HttpProblem(500, `An unexpected error occurred; request id ${request.id}.`))
    }
    return sendProblem(reply, problem)
  })

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? ''
    const allowed = allowedMethods(app, path)
    // A route for this very method (a static-file wildcard, say) that found
    // nothing is a 404, not a 405.
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      const allow = allowed.join(', ')
      return sendProblem(reply, new HttpProblem(405, `${request.method} is not allowed here; use ${allow}.`, { allow }))
    }
    return reply
      .code(404)
      .type(PROBLEM_TYPE)
      .send(problemBody(404, `No route matches ${request.method} ${path.slice(0, 100)}.`))
  })
}
