import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { problemFromDatabaseError } from './postgres.js'
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
 * Sends every error and unknown route as application/problem+json.
 * 5xx are logged at error level with the cause and the request id; the
 * client gets only a generic detail and the request id to quote.
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
    const path = request.url.split('?')[0]?.slice(0, 100)
    return reply
      .code(404)
      .type(PROBLEM_TYPE)
      .send(problemBody(404, `No route matches ${request.method} ${path}.`))
  })
}
