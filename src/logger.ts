import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import type { Config } from './config/index.js'

/** Request headers that carry credentials; they never reach a log line. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]'
]

/**
 * pino options for Fastify's logger: JSON lines by default, pino-pretty
 * output when LOG_PRETTY is set (pino-pretty is a development dependency).
 */
export function loggerOptions (config: Config, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level: config.LOG_LEVEL,
    ...(stream === undefined ? {} : { stream }),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(config.LOG_PRETTY
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {})
  }
}

/**
 * Writes one line per completed request, with method, route, status,
 * duration and request id, instead of Fastify's separate lines for the
 * incoming request and its completion.
 */
export class RequestLogController extends LogController {
  override incomingRequest (): void {}

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? '(no route)',
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100
    }
    if (error) {
      reply.log.error({ ...line, err: error }, 'request failed while sending the response')
    } else {
      reply.log.info(line, 'request completed')
    }
  }
}
