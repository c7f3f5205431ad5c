import type { FastifyInstance } from 'fastify'
import { connect } from 'node:net'
import t, { type Test } from 'tap'
import { buildTestApp } from '../helpers/app.js'

const JSON_HEADERS = { 'content-type': 'application/json' }

interface AuthorBody {
  id: number
  name: string
  bio: string
  createdAt: string
  updatedAt: string
}

async function create (app: FastifyInstance, name: string, bio = 'A bio.'): Promise<AuthorBody> {
  const response = await app.inject({ method: 'POST', url: '/authors', payload: { name, bio } })
  if (response.statusCode !== 201) {
    throw new Error(`create ${name}: ${response.statusCode} ${response.body}`)
  }
  return response.json()
}

/** Asserts an RFC 9457 problem response with the status and a detail matching `detail`. */
function assertProblem (
  t: Test,
  response: { statusCode: number, headers: Record<string, unknown>, json: () => any },
  status: number,
  detail?: RegExp
): void {
  t.equal(response.statusCode, status, 'status')
  t.match(String(response.headers['content-type']), /^application\/problem\+json/, 'problem content type')
  const body = response.json()
  t.equal(body.status, status, 'status in body')
  t.equal(typeof body.title, 'string', 'title')
  t.match(body.type, /^\/problems\/[a-z-]+$/, 'type')
  if (detail !== undefined) {
    t.match(body.detail, detail, 'detail')
  }
}

t.test('POST /authors', async (t) => {
  const app = await buildTestApp(t)

  t.test('creates an author', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/authors',
      payload: { name: 'Ursula K. Le Guin', bio: 'Wrote Earthsea.' }
    })
    t.equal(response.statusCode, 201)
    const body = response.json()
    t.equal(response.headers.location, `/authors/${body.id}`)
    t.ok(Number.isSafeInteger(body.id) && body.id > 0, 'id is a positive integer')
    t.equal(body.name, 'Ursula K. Le Guin')
    t.equal(body.bio, 'Wrote Earthsea.')
    t.match(body.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'createdAt is ISO 8601 UTC')
    t.equal(body.updatedAt, body.createdAt)
    t.same(Object.keys(body).sort(), ['bio', 'createdAt', 'id', 'name', 'updatedAt'])
  })

  t.test('counts name length in characters', async (t) => {
    // 32 code points, 64 UTF-16 units: within the limit as Postgres counts.
    const emoji = '😀'.repeat(32)
    const ok = await app.inject({ method: 'POST', url: '/authors', payload: { name: emoji, bio: 'b' } })
    t.equal(ok.statusCode, 201)
    t.equal(ok.json().name, emoji, 'stored unchanged')

    const accented = 'é'.repeat(32)
    t.equal((await app.inject({ method: 'POST', url: '/authors', payload: { name: accented, bio: 'b' } })).statusCode, 201)

    const tooLong = await app.inject({ method: 'POST', url: '/authors', payload: { name: '😀'.repeat(33), bio: 'b' } })
    assertProblem(t, tooLong, 400, /body\/name must NOT have more than 32 characters/)
  })

  const invalidBodies: Array<[string, unknown, RegExp]> = [
    ['missing name', { bio: 'b' }, /body\/name is required/],
    ['missing bio', { name: 'n' }, /body\/bio is required/],
    ['empty name', { name: '', bio: 'b' }, /body\/name/],
    ['empty bio', { name: 'n', bio: '' }, /body\/bio/],
    ['null name', { name: null, bio: 'b' }, /body\/name must be string/],
    ['number name', { name: 42, bio: 'b' }, /body\/name must be string/],
    ['boolean bio', { name: 'n', bio: true }, /body\/bio must be string/],
    ['array name', { name: ['n'], bio: 'b' }, /body\/name must be string/],
    ['object bio', { name: 'n', bio: { text: 'b' } }, /body\/bio must be string/],
    ['unknown field', { name: 'n', bio: 'b', age: 3 }, /unknown body field "age"/],
    ['NUL in name', { name: 'a\u0000b', bio: 'b' }, /body\/name must not contain NUL/],
    ['NUL in bio', { name: 'n', bio: '\u0000' }, /body\/bio must not contain NUL/],
    ['lone surrogate in name', { name: 'a\ud800', bio: 'b' }, /unpaired surrogate/],
    ['bio over 10000 characters', { name: 'n', bio: 'x'.repeat(10001) }, /body\/bio must NOT have more than 10000 characters/],
    ['array body', [{ name: 'n', bio: 'b' }], /body must be object/],
    ['string body', 'name', /body must be object/]
  ]
  for (const [label, payload, detail] of invalidBodies) {
    t.test(`rejects ${label}`, async (t) => {
      const response = await app.inject({
        method: 'POST',
        url: '/authors',
        headers: JSON_HEADERS,
        payload: JSON.stringify(payload)
      })
      assertProblem(t, response, 400, detail)
    })
  }

  t.test('serves the next request after a NUL', async (t) => {
    const rejected = await app.inject({ method: 'POST', url: '/authors', payload: { name: 'nul\u0000', bio: 'b' } })
    t.equal(rejected.statusCode, 400)
    const accepted = await app.inject({ method: 'GET', url: '/authors?limit=1' })
    t.equal(accepted.statusCode, 200)
  })

  t.test('rejects malformed and empty JSON', async (t) => {
    const malformed = await app.inject({ method: 'POST', url: '/authors', headers: JSON_HEADERS, payload: '{"name":' })
    assertProblem(t, malformed, 400)
    const empty = await app.inject({ method: 'POST', url: '/authors', headers: JSON_HEADERS, payload: '' })
    assertProblem(t, empty, 400)
  })

  t.test('rejects a __proto__ key', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/authors',
      headers: JSON_HEADERS,
      payload: '{"name":"n","bio":"b","__proto__":{"admin":true}}'
    })
    assertProblem(t, response, 400)
  })

  t.test('rejects a non-JSON content type', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/authors',
      headers: { 'content-type': 'application/xml' },
      payload: '<author/>'
    })
    assertProblem(t, response, 415)
  })

  t.test('stores nothing for rejected requests', async (t) => {
    const list = await app.inject({ method: 'GET', url: '/authors?limit=100' })
    const names = list.json().items.map((item: AuthorBody) => item.name)
    t.same(names.sort(), ['Ursula K. Le Guin', 'é'.repeat(32), '😀'.repeat(32)].sort())
  })
})

t.test('POST /authors body limit', async (t) => {
  const app = await buildTestApp(t, { BODY_LIMIT: '1024' })
  const response = await app.inject({
    method: 'POST',
    url: '/authors',
    payload: { name: 'n', bio: 'x'.repeat(2048) }
  })
  assertProblem(t, response, 413)
})

t.test('GET /authors/:id', async (t) => {
  const app = await buildTestApp(t)
  const author = await create(app, 'Octavia E. Butler', 'Wrote Kindred.')

  t.test('returns the author', async (t) => {
    const response = await app.inject({ method: 'GET', url: `/authors/${author.id}` })
    t.equal(response.statusCode, 200)
    t.same(response.json(), author)
  })

  t.test('returns 404 for an unknown id', async (t) => {
    const response = await app.inject({ method: 'GET', url: `/authors/${author.id + 1000}` })
    assertProblem(t, response, 404, /does not exist/)
  })

  t.test('returns 404 above the safe integer range', async (t) => {
    // 2^53 + 1 would round to 2^53 in JavaScript; it must not match any row.
    const response = await app.inject({ method: 'GET', url: '/authors/9007199254740993' })
    assertProblem(t, response, 404)
  })

  t.test('returns 400 beyond the bigint range', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/authors/9223372036854775808' })
    assertProblem(t, response, 400, /at most 9223372036854775807/)
  })

  const malformedIds = ['0', '-1', '+1', '01', '1.0', '1e3', '0x1', 'abc', '%201', '1%20', '12345678901234567890']
  for (const id of malformedIds) {
    t.test(`returns 400 for id ${JSON.stringify(id)}`, async (t) => {
      const response = await app.inject({ method: 'GET', url: `/authors/${id}` })
      assertProblem(t, response, 400, /params\/id must be a positive decimal integer/)
    })
  }
})

t.test('PUT /authors/:id', async (t) => {
  const app = await buildTestApp(t)
  const author = await create(app, 'Stanisław Lem', 'Wrote Solaris.')

  t.test('replaces both fields', async (t) => {
    const response = await app.inject({
      method: 'PUT',
      url: `/authors/${author.id}`,
      payload: { name: 'Stanislaw Lem', bio: 'Wrote Solaris and The Cyberiad.' }
    })
    t.equal(response.statusCode, 200)
    const body = response.json()
    t.equal(body.id, author.id)
    t.equal(body.name, 'Stanislaw Lem')
    t.equal(body.bio, 'Wrote Solaris and The Cyberiad.')
    t.equal(body.createdAt, author.createdAt, 'createdAt unchanged')
    t.ok(body.updatedAt > author.updatedAt, 'updatedAt moved forward')

    const fetched = await app.inject({ method: 'GET', url: `/authors/${author.id}` })
    t.same(fetched.json(), body, 'GET returns the stored change')
  })

  t.test('keeps updatedAt when nothing changes', async (t) => {
    const before = (await app.inject({ method: 'GET', url: `/authors/${author.id}` })).json()
    const response = await app.inject({
      method: 'PUT',
      url: `/authors/${author.id}`,
      payload: { name: before.name, bio: before.bio }
    })
    t.equal(response.json().updatedAt, before.updatedAt)
  })

  t.test('rejects a partial body', async (t) => {
    const response = await app.inject({ method: 'PUT', url: `/authors/${author.id}`, payload: { name: 'Only name' } })
    assertProblem(t, response, 400, /body\/bio is required/)
  })

  t.test('rejects a null field', async (t) => {
    const response = await app.inject({ method: 'PUT', url: `/authors/${author.id}`, payload: { name: 'n', bio: null } })
    assertProblem(t, response, 400, /body\/bio must be string/)
  })

  t.test('returns 404 for an unknown id', async (t) => {
    const response = await app.inject({ method: 'PUT', url: '/authors/999999', payload: { name: 'n', bio: 'b' } })
    assertProblem(t, response, 404)
  })

  t.test('returns 400 for a malformed id', async (t) => {
    const response = await app.inject({ method: 'PUT', url: '/authors/1x', payload: { name: 'n', bio: 'b' } })
    assertProblem(t, response, 400)
  })
})

t.test('PATCH /authors/:id', async (t) => {
  const app = await buildTestApp(t)
  const author = await create(app, 'N. K. Jemisin', 'Wrote The Fifth Season.')

  t.test('changes only the given field', async (t) => {
    const response = await app.inject({ method: 'PATCH', url: `/authors/${author.id}`, payload: { bio: 'Wrote The Broken Earth.' } })
    t.equal(response.statusCode, 200)
    const body = response.json()
    t.equal(body.name, 'N. K. Jemisin', 'name unchanged')
    t.equal(body.bio, 'Wrote The Broken Earth.')
    t.ok(body.updatedAt > author.updatedAt, 'updatedAt moved forward')
  })

  t.test('changes the name alone', async (t) => {
    const response = await app.inject({ method: 'PATCH', url: `/authors/${author.id}`, payload: { name: 'Nora K. Jemisin' } })
    t.equal(response.statusCode, 200)
    t.equal(response.json().name, 'Nora K. Jemisin')
    t.equal(response.json().bio, 'Wrote The Broken Earth.', 'bio unchanged')
  })

  t.test('accepts an empty object', async (t) => {
    const before = (await app.inject({ method: 'GET', url: `/authors/${author.id}` })).json()
    const response = await app.inject({ method: 'PATCH', url: `/authors/${author.id}`, payload: {} })
    t.equal(response.statusCode, 200)
    t.same(response.json(), before, 'author unchanged, updatedAt included')
  })

  t.test('rejects null for a field', async (t) => {
    const response = await app.inject({ method: 'PATCH', url: `/authors/${author.id}`, payload: { name: null } })
    assertProblem(t, response, 400, /body\/name must be string/)
  })

  t.test('rejects an unknown field', async (t) => {
    const response = await app.inject({ method: 'PATCH', url: `/authors/${author.id}`, payload: { id: 5 } })
    assertProblem(t, response, 400, /unknown body field "id"/)
  })

  t.test('rejects a name over 32 characters', async (t) => {
    const response = await app.inject({ method: 'PATCH', url: `/authors/${author.id}`, payload: { name: 'x'.repeat(33) } })
    assertProblem(t, response, 400)
  })

  t.test('returns 404 for an unknown id', async (t) => {
    const response = await app.inject({ method: 'PATCH', url: '/authors/999999', payload: { bio: 'b' } })
    assertProblem(t, response, 404)
  })

  t.test('returns 400 for a malformed id', async (t) => {
    const response = await app.inject({ method: 'PATCH', url: '/authors/-5', payload: { bio: 'b' } })
    assertProblem(t, response, 400)
  })
})

t.test('DELETE /authors/:id', async (t) => {
  const app = await buildTestApp(t)
  const author = await create(app, 'Ted Chiang')

  t.test('deletes the author', async (t) => {
    const response = await app.inject({ method: 'DELETE', url: `/authors/${author.id}` })
    t.equal(response.statusCode, 204)
    t.equal(response.body, '', 'no body')
    const fetched = await app.inject({ method: 'GET', url: `/authors/${author.id}` })
    t.equal(fetched.statusCode, 404, 'gone afterwards')
  })

  t.test('returns 404 the second time', async (t) => {
    const response = await app.inject({ method: 'DELETE', url: `/authors/${author.id}` })
    assertProblem(t, response, 404)
  })

  t.test('ignores a JSON content type with no body', async (t) => {
    const other = await create(app, 'Becky Chambers')
    const response = await app.inject({ method: 'DELETE', url: `/authors/${other.id}`, headers: JSON_HEADERS })
    t.equal(response.statusCode, 204)
  })

  t.test('GET ignores a JSON content type with no body', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/authors?limit=1', headers: JSON_HEADERS })
    t.equal(response.statusCode, 200)
  })

  t.test('returns 400 for a malformed id', async (t) => {
    const response = await app.inject({ method: 'DELETE', url: '/authors/abc' })
    assertProblem(t, response, 400)
  })
})

t.test('GET /authors', async (t) => {
  const app = await buildTestApp(t)

  t.test('returns an empty page for an empty table', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/authors' })
    t.equal(response.statusCode, 200)
    t.same(response.json(), { items: [], nextCursor: null })
  })

  t.test('pages through every author by name then id', async (t) => {
    // Duplicate names check the id tie-break across page boundaries.
    const names = ['Mary Shelley', 'Ann Leckie', 'Iain M. Banks', 'Ann Leckie', 'Jules Verne', 'Ann Leckie', 'Liu Cixin']
    const created: AuthorBody[] = []
    for (const name of names) {
      created.push(await create(app, name))
    }
    // These names sort the same by code point as under en_US or C collations.
    const byNameThenId = (a: AuthorBody, b: AuthorBody): number => {
      if (a.name !== b.name) {
        return a.name < b.name ? -1 : 1
      }
      return a.id - b.id
    }
    const expected = [...created].sort(byNameThenId).map((author) => author.id)

    const seen: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = cursor === null ? '?limit=3' : `?limit=3&cursor=${cursor}`
      const response = await app.inject({ method: 'GET', url: `/authors${query}` })
      t.equal(response.statusCode, 200)
      const page = response.json()
      t.ok(page.items.length <= 3, 'page size within limit')
      seen.push(...page.items.map((item: AuthorBody) => item.id))
      cursor = page.nextCursor
      pages++
    } while (cursor !== null && pages < 10)

    t.same(seen, expected, 'every author once, in order')
    t.equal(pages, 3, '7 authors in pages of 3')
  })

  t.test('ends with a null cursor on an exact last page', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/authors?limit=7' })
    t.equal(response.json().items.length, 7)
    t.equal(response.json().nextCursor, null)
  })

  t.test('defaults to 20 items', async (t) => {
    for (let i = 0; i < 15; i++) {
      await create(app, `Author ${String(i).padStart(2, '0')}`)
    }
    const response = await app.inject({ method: 'GET', url: '/authors' })
    t.equal(response.json().items.length, 20)
    t.type(response.json().nextCursor, 'string')
  })

  const badLimits = ['0', '101', '-1', '1.5', '1e1', 'ten', '', ' 5', '05']
  for (const limit of badLimits) {
    t.test(`rejects limit ${JSON.stringify(limit)}`, async (t) => {
      const response = await app.inject({ method: 'GET', url: `/authors?limit=${encodeURIComponent(limit)}` })
      assertProblem(t, response, 400, /limit/)
    })
  }

  t.test('rejects a repeated limit', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/authors?limit=1&limit=2' })
    assertProblem(t, response, 400)
  })

  const badCursors = [
    ['not base64url', 'abc$%'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['wrong shape', Buffer.from('{"name":"a","id":1}').toString('base64url')],
    ['string id', Buffer.from('["a","1"]').toString('base64url')],
    ['unsafe id', Buffer.from('["a",9007199254740993]').toString('base64url')],
    ['long name', Buffer.from(JSON.stringify(['x'.repeat(33), 1])).toString('base64url')],
    ['padded', Buffer.from('["a",1]').toString('base64') + '=']
  ]
  for (const [label, cursor] of badCursors) {
    t.test(`rejects a cursor that is ${label}`, async (t) => {
      const response = await app.inject({ method: 'GET', url: `/authors?cursor=${encodeURIComponent(String(cursor))}` })
      assertProblem(t, response, 400, /cursor/)
    })
  }

  t.test('rejects an unknown query parameter', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/authors?sort=name' })
    assertProblem(t, response, 400, /unknown query parameter "sort"/)
  })
})

t.test('unknown route', async (t) => {
  const app = await buildTestApp(t)
  const response = await app.inject({ method: 'GET', url: '/publishers' })
  assertProblem(t, response, 404, /No route matches GET \/publishers/)
})

t.test('request id', async (t) => {
  const app = await buildTestApp(t)

  t.test('echoes a sane incoming id', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/authors', headers: { 'x-request-id': 'abc-123' } })
    t.equal(response.headers['x-request-id'], 'abc-123')
  })

  t.test('replaces an unusable id', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/authors', headers: { 'x-request-id': 'bad id\twith spaces' } })
    t.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/)
  })
})

t.test('unsupported method', async (t) => {
  const app = await buildTestApp(t)

  t.test('returns 405 with Allow on an item', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/authors/1' })
    assertProblem(t, response, 405)
    t.equal(response.headers.allow, 'GET, HEAD, PUT, PATCH, DELETE')
  })

  t.test('returns 405 with Allow on the collection', async (t) => {
    const response = await app.inject({ method: 'DELETE', url: '/authors' })
    assertProblem(t, response, 405)
    t.equal(response.headers.allow, 'GET, HEAD, POST')
  })
})

t.test('framework errors', async (t) => {
  const app = await buildTestApp(t)

  t.test('malformed percent-encoding is a problem', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/authors/%ZZ' })
    assertProblem(t, response, 400, /malformed/)
    t.ok(response.headers['x-request-id'], 'carries a request id')
  })

  t.test('overlong id reaches the schema', async (t) => {
    const response = await app.inject({ method: 'GET', url: `/authors/${'1'.repeat(101)}` })
    assertProblem(t, response, 400, /positive decimal integer/)
  })

  t.test('text/plain body is 415', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/authors',
      headers: { 'content-type': 'text/plain' },
      payload: '{"name":"n","bio":"b"}'
    })
    assertProblem(t, response, 415)
  })

  t.test('invalid UTF-8 bytes are 400', async (t) => {
    const payload = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","bio":"b"}')])
    const response = await app.inject({ method: 'POST', url: '/authors', headers: JSON_HEADERS, payload })
    assertProblem(t, response, 400, /not valid UTF-8/)
  })

  t.test('missing static file is 404, not 405', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/docs/static/missing.js' })
    t.equal(response.statusCode, 404)
  })

  t.test('HTTP the parser rejects is a problem', async (t) => {
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    const send = async (raw: string): Promise<string> => await new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => { socket.end(raw) })
      let received = ''
      socket.on('data', (chunk) => { received += chunk.toString() })
      socket.on('end', () => { resolve(received) })
      socket.on('error', reject)
    })
    const badMethod = await send('FOO /authors HTTP/1.1\r\nHost: x\r\n\r\n')
    t.match(badMethod, /^HTTP\/1\.1 400 /, 'unknown method is 400')
    t.match(badMethod, /content-type: application\/problem\+json/i, 'as problem+json')
    const bigHeader = await send(`GET /authors HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`)
    t.match(bigHeader, /^HTTP\/1\.1 431 /, 'oversized headers are 431')
    t.match(bigHeader, /"status":431/, 'with a problem body')
  })

  t.test('non-UTF-8 charset is 415', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/authors',
      headers: { 'content-type': 'application/json; charset=utf-16' },
      payload: '{"name":"n","bio":"b"}'
    })
    assertProblem(t, response, 415, /UTF-8/)
  })

  t.test('UTF-8 charset is accepted', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/authors',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      payload: '{"name":"n","bio":"b"}'
    })
    t.equal(response.statusCode, 201)
  })

  t.test('compressed body is 415', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/authors',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: '{"name":"n","bio":"b"}'
    })
    assertProblem(t, response, 415, /Content-Encoding/)
  })

  t.test('unknown query parameter on an item is 400', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/authors/1?x=1' })
    assertProblem(t, response, 400, /unknown query parameter "x"/)
  })
})
