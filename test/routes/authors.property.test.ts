import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import fc from 'fast-check'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

// Property-based tests: fast-check generates hostile bodies, ids and query
// strings, and every response must hold these invariants. fast-check
// prints the smallest failing input when one does not.

/** Text that would show driver messages, SQL or stack traces leaking. */
const LEAK_PATTERN = /DatabaseError|pg-protocol|SQLSTATE|syntax error|violates|relation "|column "|\bSELECT\b|\bINSERT\b|\.ts:\d+|node_modules/i

const METHODS = ['GET', 'PUT', 'PATCH', 'DELETE'] as const

/** Throws unless the response is a non-5xx and, for errors, a clean problem. */
function checkResponse (response: LightMyRequestResponse): void {
  if (response.statusCode >= 500) {
    throw new Error(`${response.statusCode}: ${response.body}`)
  }
  if (response.statusCode < 400) {
    return
  }
  if (!String(response.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`error without problem+json: ${String(response.headers['content-type'])}`)
  }
  const body = response.json()
  for (const member of ['type', 'title', 'detail']) {
    if (typeof body[member] !== 'string') {
      throw new Error(`problem without ${member}: ${response.body}`)
    }
  }
  if (body.status !== response.statusCode) {
    throw new Error(`problem status ${String(body.status)} differs from ${response.statusCode}`)
  }
  if (LEAK_PATTERN.test(response.body)) {
    throw new Error(`problem leaks internals: ${response.body}`)
  }
}

/** Strings from every part of Unicode, lone surrogates and NUL included. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 34 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', '😀'.repeat(32), '😀'.repeat(33), 'x'.repeat(32), 'x'.repeat(33))
)

/** Values of every JSON type, for fields that expect a string. */
const anyField = fc.oneof(anyText, fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined))

const authorBody = fc.record(
  { name: anyField, bio: anyField },
  { requiredKeys: [] }
)

/** Bodies: author-like objects with stray keys, any JSON value, or raw text. */
const hostileBody = fc.oneof(
  authorBody.map((body) => JSON.stringify(body)),
  fc.tuple(authorBody, fc.constantFrom('__proto__', 'constructor', 'id', 'createdAt', 'extra'), fc.jsonValue({ maxDepth: 1 }))
    .map(([body, key, value]) => JSON.stringify(body).replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'},`).replace(/,}$/, '}')),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? ''),
  fc.string({ unit: 'binary', maxLength: 60 })
)

/** Path ids: canonical, near the limits, and any text at all. */
const hostileId = fc.oneof(
  fc.integer({ min: 1, max: 50 }).map(String),
  fc.constantFrom('0', '-1', '+1', '01', '1.0', '1e3', '0x1', ' 1', '1 ', '9007199254740991', '9007199254740993', '9223372036854775807', '9223372036854775808', '1'.repeat(30)),
  fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String),
  fc.string({ unit: 'binary', maxLength: 25 })
)

const queryKey = fc.oneof(fc.constantFrom('limit', 'cursor', 'sort', '__proto__', 'limit[]'), fc.string({ maxLength: 8 }))
const queryValue = fc.oneof(
  fc.integer({ min: -5, max: 200 }).map(String),
  fc.constantFrom('', '1e1', '05', ' 5', 'WyJhIiwxXQ', 'WyJhIiwxXQ=', 'bnVsbA'),
  fc.string({ unit: 'binary', maxLength: 30 })
)
const hostileQuery = fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
  .map((pairs) => pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&'))

async function storedIds (app: FastifyInstance): Promise<number[]> {
  const result = await app.pool.query<{ id: number }>('SELECT id FROM authors ORDER BY id')
  return result.rows.map((row) => row.id)
}

t.test('hostile input never breaks the API', async (t) => {
  const app = await buildTestApp(t)
  const acknowledged = new Set<number>()
  let requests = 0

  t.test('POST bodies', async (t) => {
    await fc.assert(fc.asyncProperty(hostileBody, async (payload) => {
      const response = await app.inject({
        method: 'POST',
        url: '/authors',
        headers: { 'content-type': 'application/json' },
        payload
      })
      requests++
      checkResponse(response)
      if (response.statusCode === 201) {
        const author = response.json()
        if ([...author.name].length > 32 || author.name === '' || author.bio === '') {
          throw new Error(`accepted invalid author ${response.body}`)
        }
        acknowledged.add(author.id)
      } else if (![400, 413, 415].includes(response.statusCode)) {
        throw new Error(`unexpected status ${response.statusCode}`)
      }
    }), { numRuns: 1500 })
    t.ok(acknowledged.size > 0, 'some generated bodies were valid authors')
  })

  t.test('ids on every item method', async (t) => {
    await fc.assert(fc.asyncProperty(hostileId, fc.constantFrom(...METHODS), authorBody, async (id, method, body) => {
      const response = await app.inject({
        method,
        url: `/authors/${encodeURIComponent(id)}`,
        ...(method === 'PUT' || method === 'PATCH' ? { payload: body } : {})
      })
      requests++
      checkResponse(response)
      // An empty id addresses the collection, /authors/, which is not an item.
      if (response.statusCode < 300 && id !== '' && !/^[1-9][0-9]*$/.test(id)) {
        throw new Error(`non-canonical id ${JSON.stringify(id)} resolved with ${response.statusCode}`)
      }
      if (method === 'DELETE' && response.statusCode === 204) {
        acknowledged.delete(Number(id))
      }
    }), { numRuns: 1500 })
    t.pass('every id request kept the invariants')
  })

  t.test('list query strings', async (t) => {
    await fc.assert(fc.asyncProperty(hostileQuery, async (query) => {
      const response = await app.inject({ method: 'GET', url: `/authors?${query}` })
      requests++
      checkResponse(response)
      if (response.statusCode === 200 && !Array.isArray(response.json().items)) {
        throw new Error(`200 without items for ?${query}`)
      }
    }), { numRuns: 1000 })
    t.pass('every list request kept the invariants')
  })

  t.test('table holds exactly the acknowledged rows', async (t) => {
    t.same(await storedIds(app), [...acknowledged].sort((a, b) => a - b))
    t.ok(requests >= 4000, `sent ${requests} requests`)
  })
})
