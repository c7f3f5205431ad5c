import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { HttpProblem } from '../errors/problem.js'
import { Problem } from '../schemas/common.js'

const Status = Type.Object({ status: Type.String() })

/**
 * Liveness and readiness for orchestrators and container healthchecks.
 * Their routes log at warn level and above only, which keeps the request
 * line out of info logs: probes arrive every few seconds.
 */
const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    logLevel: 'warn',
    schema: { response: { 200: Status } }
  }, async () => ({ status: 'ok' }))

  app.get('/readyz', {
    logLevel: 'warn',
    schema: { response: { 200: Status, 503: Problem } }
  }, async () => {
    if (app.shuttingDown) {
      throw new HttpProblem(503, 'The service is shutting down.', { 'retry-after': '1' })
    }
    await roundTrip(app, app.readinessTimeoutMs)
    return { status: 'ready' }
  })
}

/** Runs `SELECT 1`, failing with a 503 when it takes longer than `timeoutMs`. */
async function roundTrip (app: Parameters<typeof healthRoutes>[0], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new HttpProblem(503, 'The database did not answer in time.', { 'retry-after': '1' }))
    }, timeoutMs)
  })
  try {
    await Promise.race([app.pool.query('SELECT 1'), timeout])
  } finally {
    clearTimeout(timer)
  }
}

export default healthRoutes
