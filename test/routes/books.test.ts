import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { buildTestApp } from '../helpers/app.js'

// Valid ISBN-13s (check digits computed with weights 1, 3, 1, 3, ...).
const ISBN_A = '9780306406157'
const ISBN_B = '9781861972712'
const ISBN_BAD_CHECK = '9780306406158'

interface BookBody {
  id: number
  authorId: number
  title: string
  isbn: string | null
  publishedOn: string | null
  tags: string[]
  createdAt: string
  updatedAt: string
}

async function createAuthor (app: FastifyInstance, name: string): Promise<number> {
  const response = await app.inject({ method: 'POST', url: '/authors', payload: { name, bio: 'A bio.' } })
  return response.json().id
}

async function createBook (app: FastifyInstance, payload: Record<string, unknown>): Promise<BookBody> {
  const response = await app.inject({ method: 'POST', url: '/books', payload })
  if (response.statusCode !== 201) {
    throw new Error(`create book: ${response.statusCode} ${response.body}`)
  }
  return response.json()
}

function assertProblem (t: Test, response: { statusCode: number, headers: Record<string, unknown>, json: () => any }, status: number, detail?: RegExp): void {
  t.equal(response.statusCode, status, 'status')
  t.match(String(response.headers['content-type']), /^application\/problem\+json/, 'problem content type')
  if (detail !== undefined) {
    t.match(response.json().detail, detail, 'detail')
  }
}

async function bookCount (app: FastifyInstance): Promise<number> {
  const result = await app.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM books')
  return result.rows[0]?.n ?? -1
}

t.test('POST /books', async (t) => {
  const app = await buildTestApp(t)
  const authorId = await createAuthor(app, 'Le Guin')

  t.test('creates a book with every field', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/books',
      payload: { authorId, title: 'The Dispossessed', isbn: ISBN_A, publishedOn: '1974-05-01', tags: ['sf', 'utopia'] }
    })
    t.equal(response.statusCode, 201)
    const book = response.json()
    t.equal(response.headers.location, `/books/${book.id}`)
    t.same(
      { authorId: book.authorId, title: book.title, isbn: book.isbn, publishedOn: book.publishedOn, tags: book.tags },
      { authorId, title: 'The Dispossessed', isbn: ISBN_A, publishedOn: '1974-05-01', tags: ['sf', 'utopia'] }
    )
    t.match(book.createdAt, /Z$/, 'createdAt in UTC')
  })

  t.test('defaults optional fields', async (t) => {
    const book = await createBook(app, { authorId, title: 'Untitled draft' })
    t.equal(book.isbn, null)
    t.equal(book.publishedOn, null)
    t.same(book.tags, [])
  })

  t.test('rejects a duplicate ISBN naming isbn', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/books', payload: { authorId, title: 'Copy', isbn: ISBN_A } })
    assertProblem(t, response, 409, /\bisbn\b/)
  })

  t.test('rejects an unknown author naming authorId', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/books', payload: { authorId: 999999, title: 'Orphan' } })
    assertProblem(t, response, 422, /\bauthorId\b/)
  })

  const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a wrong check digit', { authorId, title: 'x', isbn: ISBN_BAD_CHECK }, /isbn has a wrong check digit/],
    ['a short ISBN', { authorId, title: 'x', isbn: '97803064061' }, /isbn must be an ISBN-13/],
    ['an ISBN-10', { authorId, title: 'x', isbn: '0306406152' }, /isbn must be an ISBN-13/],
    ['an empty title', { authorId, title: '' }, /title/],
    ['a 201-character title', { authorId, title: 'x'.repeat(201) }, /title/],
    ['a missing title', { authorId }, /body\/title is required/],
    ['a string authorId', { authorId: String(authorId), title: 'x' }, /authorId must be integer/],
    ['an impossible date', { authorId, title: 'x', publishedOn: '2023-02-29' }, /publishedOn/],
    ['year 0000', { authorId, title: 'x', publishedOn: '0000-01-01' }, /publishedOn must be a date from 0001-01-01/],
    ['a date with a time', { authorId, title: 'x', publishedOn: '2023-02-01T00:00:00Z' }, /publishedOn/],
    ['a non-array tags', { authorId, title: 'x', tags: 'sf' }, /tags/],
    ['a null tags', { authorId, title: 'x', tags: null }, /tags/],
    ['an empty tag', { authorId, title: 'x', tags: [''] }, /tags/],
    ['an unknown field', { authorId, title: 'x', pages: 3 }, /unknown body field "pages"/]
  ]
  for (const [label, payload, detail] of invalid) {
    t.test(`rejects ${label}`, async (t) => {
      const response = await app.inject({ method: 'POST', url: '/books', payload })
      assertProblem(t, response, 400, detail)
    })
  }

  t.test('stores only the accepted books', async (t) => {
    t.equal(await bookCount(app), 2)
  })
})

t.test('GET /books/:id', async (t) => {
  const app = await buildTestApp(t)
  const authorId = await createAuthor(app, 'Butler')
  const book = await createBook(app, { authorId, title: 'Kindred', tags: ['classic'] })

  t.test('embeds the author from the join', async (t) => {
    const response = await app.inject({ method: 'GET', url: `/books/${book.id}` })
    t.equal(response.statusCode, 200)
    t.same(response.json(), { ...book, author: { id: authorId, name: 'Butler' } })
  })

  t.test('returns 404 for an unknown id', async (t) => {
    assertProblem(t, await app.inject({ method: 'GET', url: '/books/999999' }), 404, /Book 999999 does not exist/)
  })

  t.test('returns 400 for a malformed id', async (t) => {
    assertProblem(t, await app.inject({ method: 'GET', url: '/books/1.5' }), 400)
  })
})

t.test('PUT /books/:id', async (t) => {
  const app = await buildTestApp(t)
  const authorId = await createAuthor(app, 'Lem')
  const otherAuthor = await createAuthor(app, 'Calvino')
  const book = await createBook(app, { authorId, title: 'Solaris', isbn: ISBN_A, publishedOn: '1961-01-01', tags: ['sf'] })

  t.test('replaces every field, clearing the absent ones', async (t) => {
    const response = await app.inject({ method: 'PUT', url: `/books/${book.id}`, payload: { authorId: otherAuthor, title: 'Solaris (tr.)' } })
    t.equal(response.statusCode, 200)
    const body = response.json()
    t.equal(body.authorId, otherAuthor)
    t.equal(body.title, 'Solaris (tr.)')
    t.equal(body.isbn, null, 'isbn cleared')
    t.equal(body.publishedOn, null, 'publishedOn cleared')
    t.same(body.tags, [], 'tags cleared')
  })

  t.test('rejects an unknown author', async (t) => {
    const response = await app.inject({ method: 'PUT', url: `/books/${book.id}`, payload: { authorId: 999999, title: 'x' } })
    assertProblem(t, response, 422, /authorId/)
  })

  t.test('rejects a duplicate ISBN', async (t) => {
    const other = await createBook(app, { authorId, title: 'Other', isbn: ISBN_B })
    const response = await app.inject({ method: 'PUT', url: `/books/${other.id}`, payload: { authorId, title: 'Other', isbn: ISBN_B } })
    t.equal(response.statusCode, 200, 'keeping its own ISBN is fine')
    await app.inject({ method: 'PUT', url: `/books/${book.id}`, payload: { authorId, title: 'Solaris', isbn: ISBN_A } })
    const clash = await app.inject({ method: 'PUT', url: `/books/${other.id}`, payload: { authorId, title: 'Other', isbn: ISBN_A } })
    assertProblem(t, clash, 409, /isbn/)
  })

  t.test('returns 404 for an unknown id', async (t) => {
    assertProblem(t, await app.inject({ method: 'PUT', url: '/books/999999', payload: { authorId, title: 'x' } }), 404)
  })

  t.test('rejects a missing title', async (t) => {
    assertProblem(t, await app.inject({ method: 'PUT', url: `/books/${book.id}`, payload: { authorId } }), 400, /title is required/)
  })
})

t.test('PATCH /books/:id', async (t) => {
  const app = await buildTestApp(t)
  const authorId = await createAuthor(app, 'Jemisin')
  const book = await createBook(app, { authorId, title: 'The Fifth Season', isbn: ISBN_A, publishedOn: '2015-08-04', tags: ['fantasy'] })

  t.test('changes only the given fields', async (t) => {
    const response = await app.inject({ method: 'PATCH', url: `/books/${book.id}`, payload: { tags: ['fantasy', 'hugo'] } })
    t.equal(response.statusCode, 200)
    const body = response.json()
    t.same(body.tags, ['fantasy', 'hugo'])
    t.equal(body.isbn, ISBN_A, 'isbn unchanged')
    t.equal(body.publishedOn, '2015-08-04', 'publishedOn unchanged')
    t.equal(body.title, 'The Fifth Season', 'title unchanged')
  })

  t.test('clears a nullable field with null', async (t) => {
    const response = await app.inject({ method: 'PATCH', url: `/books/${book.id}`, payload: { isbn: null, publishedOn: null } })
    t.equal(response.statusCode, 200)
    t.equal(response.json().isbn, null)
    t.equal(response.json().publishedOn, null)
    t.same(response.json().tags, ['fantasy', 'hugo'], 'tags unchanged')
  })

  t.test('rejects null for a required field', async (t) => {
    assertProblem(t, await app.inject({ method: 'PATCH', url: `/books/${book.id}`, payload: { title: null } }), 400, /title/)
  })

  t.test('rejects an unknown author', async (t) => {
    assertProblem(t, await app.inject({ method: 'PATCH', url: `/books/${book.id}`, payload: { authorId: 999999 } }), 422, /authorId/)
  })

  t.test('rejects a wrong check digit', async (t) => {
    assertProblem(t, await app.inject({ method: 'PATCH', url: `/books/${book.id}`, payload: { isbn: ISBN_BAD_CHECK } }), 400, /check digit/)
  })

  t.test('returns 404 for an unknown id', async (t) => {
    assertProblem(t, await app.inject({ method: 'PATCH', url: '/books/999999', payload: { title: 'x' } }), 404)
  })
})

t.test('DELETE /books/:id and authors with books', async (t) => {
  const app = await buildTestApp(t)
  const authorId = await createAuthor(app, 'Chiang')
  const book = await createBook(app, { authorId, title: 'Exhalation' })

  t.test('refuses to delete an author with books', async (t) => {
    assertProblem(t, await app.inject({ method: 'DELETE', url: `/authors/${authorId}` }), 409, /still referenced/)
    t.equal((await app.inject({ method: 'GET', url: `/authors/${authorId}` })).statusCode, 200, 'author kept')
  })

  t.test('deletes the book', async (t) => {
    t.equal((await app.inject({ method: 'DELETE', url: `/books/${book.id}` })).statusCode, 204)
    assertProblem(t, await app.inject({ method: 'DELETE', url: `/books/${book.id}` }), 404)
  })

  t.test('then deletes the author', async (t) => {
    t.equal((await app.inject({ method: 'DELETE', url: `/authors/${authorId}` })).statusCode, 204)
  })
})

t.test('GET /books filters and pages', async (t) => {
  const app = await buildTestApp(t)
  const leGuin = await createAuthor(app, 'Le Guin')
  const banks = await createAuthor(app, 'Banks')
  const books = [
    await createBook(app, { authorId: leGuin, title: 'A Wizard of Earthsea', publishedOn: '1968-11-01', tags: ['fantasy', 'ya'] }),
    await createBook(app, { authorId: leGuin, title: 'The Left Hand of Darkness', publishedOn: '1969-03-01', tags: ['sf'] }),
    await createBook(app, { authorId: banks, title: 'Consider Phlebas', publishedOn: '1987-04-23', tags: ['sf', 'culture'] }),
    await createBook(app, { authorId: banks, title: 'The Player of Games', publishedOn: '1988-01-01', tags: ['sf', 'culture'] }),
    await createBook(app, { authorId: banks, title: '100% Pure_Fiction', tags: [] })
  ]
  const ids = (list: BookBody[]): number[] => list.map((book) => book.id)
  const list = async (query: string): Promise<number[]> => {
    const response = await app.inject({ method: 'GET', url: `/books?${query}` })
    if (response.statusCode !== 200) {
      throw new Error(`GET /books?${query}: ${response.statusCode} ${response.body}`)
    }
    return ids(response.json().items)
  }
  const [earthsea, leftHand, phlebas, player, pure] = books as [BookBody, BookBody, BookBody, BookBody, BookBody]

  t.same(await list(''), ids(books), 'no filter lists all by id')
  t.same(await list(`authorId=${leGuin}`), ids([earthsea, leftHand]), 'authorId')
  t.same(await list('tag=sf'), ids([leftHand, phlebas, player]), 'one tag')
  t.same(await list('tag=sf&tag=culture'), ids([phlebas, player]), 'several tags must all match')
  t.same(await list('publishedFrom=1969-01-01&publishedTo=1987-12-31'), ids([leftHand, phlebas]), 'date range, inclusive')
  t.same(await list('q=the'), ids([leftHand, player]), 'q matches case-insensitively')
  t.same(await list('q=%25'), ids([pure]), 'q treats % literally')
  t.same(await list('q=_'), ids([pure]), 'q treats _ literally')
  t.same(await list('authorId=&tag=&publishedFrom=&publishedTo=&q='), ids(books), 'empty filters filter nothing')
  t.same(await list(`authorId=${banks}&tag=culture&q=games`), ids([player]), 'filters combine')
  t.same(await list('authorId=999999'), [], 'unknown author gives an empty list')

  const seen: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const query: string = cursor === null ? 'limit=2' : `limit=2&cursor=${cursor}`
    const page = (await app.inject({ method: 'GET', url: `/books?${query}` })).json()
    seen.push(...ids(page.items))
    cursor = page.nextCursor
    pages++
  } while (cursor !== null && pages < 10)
  t.same(seen, ids(books), 'pages cover every book once')
  t.equal(pages, 3, '5 books in pages of 2')

  const overflow = await app.inject({ method: 'GET', url: '/books?authorId=9223372036854775808' })
  assertProblem(t, overflow, 400, /querystring\/authorId must be at most/)

  const bad = ['publishedFrom=0000-01-01', 'authorId=abc', 'authorId=0', 'publishedFrom=1969-13-01', 'publishedTo=yesterday', 'limit=0', 'cursor=abc$', 'sort=title', `q=${'x'.repeat(201)}`]
  for (const query of bad) {
    assertProblem(t, await app.inject({ method: 'GET', url: `/books?${query}` }), 400)
  }
})

t.test('GET /authors/:id/books', async (t) => {
  const app = await buildTestApp(t)
  const withBooks = await createAuthor(app, 'Pratchett')
  const withoutBooks = await createAuthor(app, 'Newcomer')
  const created = [
    await createBook(app, { authorId: withBooks, title: 'Mort' }),
    await createBook(app, { authorId: withBooks, title: 'Guards! Guards!' }),
    await createBook(app, { authorId: withBooks, title: 'Small Gods' })
  ]

  t.test('lists the author\'s books in pages', async (t) => {
    const first = (await app.inject({ method: 'GET', url: `/authors/${withBooks}/books?limit=2` })).json()
    t.same(first.items.map((book: BookBody) => book.title), ['Mort', 'Guards! Guards!'])
    t.type(first.nextCursor, 'string')
    const second = (await app.inject({ method: 'GET', url: `/authors/${withBooks}/books?limit=2&cursor=${String(first.nextCursor)}` })).json()
    t.same(second.items.map((book: BookBody) => book.id), [created[2]?.id])
    t.equal(second.nextCursor, null)
    t.same(second.items[0], created[2], 'same shape as the book endpoints')
  })

  t.test('gives an empty list for an author without books', async (t) => {
    const response = await app.inject({ method: 'GET', url: `/authors/${withoutBooks}/books` })
    t.equal(response.statusCode, 200)
    t.same(response.json(), { items: [], nextCursor: null })
  })

  t.test('returns 404 for an unknown author', async (t) => {
    assertProblem(t, await app.inject({ method: 'GET', url: '/authors/999999/books' }), 404, /Author 999999/)
  })
})

t.test('POST /authors with books', async (t) => {
  const app = await buildTestApp(t)

  t.test('creates the author and books together', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/authors',
      payload: { name: 'Tolkien', bio: 'Philologist.', books: [{ title: 'The Hobbit', isbn: ISBN_A }, { title: 'The Silmarillion', tags: ['legendarium'] }] }
    })
    t.equal(response.statusCode, 201)
    const body = response.json()
    t.equal(body.books.length, 2)
    t.ok(body.books.every((book: BookBody) => book.authorId === body.id), 'books belong to the new author')
    const listed = (await app.inject({ method: 'GET', url: `/authors/${String(body.id)}/books` })).json()
    t.same(listed.items, body.books, 'stored as returned')
  })

  t.test('creates nothing when a book fails', async (t) => {
    const authorsBefore = (await app.pool.query('SELECT count(*)::int AS n FROM authors')).rows[0].n
    const booksBefore = await bookCount(app)
    // The second book reuses the first book's ISBN, so the INSERT fails
    // after the author and the first book went in.
    const response = await app.inject({
      method: 'POST',
      url: '/authors',
      payload: { name: 'Rolled Back', bio: 'b', books: [{ title: 'One', isbn: ISBN_B }, { title: 'Two', isbn: ISBN_B }] }
    })
    assertProblem(t, response, 409, /isbn/)
    t.equal((await app.pool.query('SELECT count(*)::int AS n FROM authors')).rows[0].n, authorsBefore, 'no author remains')
    t.equal(await bookCount(app), booksBefore, 'no book remains')
    const byName = await app.pool.query("SELECT 1 FROM authors WHERE name = 'Rolled Back'")
    t.equal(byName.rowCount, 0, 'the author name is not stored')
  })

  t.test('validates nested books', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/authors', payload: { name: 'N', bio: 'b', books: [{ title: 'x', isbn: ISBN_BAD_CHECK }] } })
    assertProblem(t, response, 400, /books\/0\/isbn has a wrong check digit/)
    const extra = await app.inject({ method: 'POST', url: '/authors', payload: { name: 'N', bio: 'b', books: [{ title: 'x', authorId: 1 }] } })
    assertProblem(t, extra, 400, /unknown body field "authorId"/)
  })
})
