// The HTTP ceiling: a bare Fastify app, with Fastify's defaults (no logger,
// no hooks, no schemas), whose one route returns the same body for every
// GET and POST. bench/run.ts starts it with the body of a real response of
// the scenario, so the ceiling sends as many bytes as the service. POST
// bodies still go through Fastify's JSON parser. Input comes from the
// environment: HOST, PORT, BENCH_BODY_FILE and BENCH_STATUS.

import { readFile } from 'node:fs/promises'
import Fastify from 'fastify'

const { HOST, PORT, BENCH_BODY_FILE, BENCH_STATUS } = process.env
if (HOST === undefined || PORT === undefined || BENCH_BODY_FILE === undefined || BENCH_STATUS === undefined) {
  throw new Error('HOST, PORT, BENCH_BODY_FILE and BENCH_STATUS must be set; bench/run.ts sets them')
}
const body = await readFile(BENCH_BODY_FILE, 'utf8')
const status = Number(BENCH_STATUS)

const app = Fastify()
app.route({
  method: ['GET', 'POST'],
  url: '*',
  handler: async (_request, reply) => await reply.code(status).type('application/json; charset=utf-8').send(body)
})

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => { void app.close() })
}
await app.listen({ host: HOST, port: Number(PORT) })
