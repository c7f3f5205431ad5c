import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

// CI runs this file again under TZ values far east and far west of UTC;
// the results must not change with the time zone of Node or Postgres.
const DATES = ['2024-02-29', '1970-01-01', '1969-12-31', '2000-01-01', '0001-01-01', '9999-12-31']

t.test('dates keep their day in any time zone', async (t) => {
  const app = await buildTestApp(t)
  const zone = (await app.pool.query<{ zone: string }>("SELECT current_setting('TimeZone') AS zone")).rows[0]?.zone
  t.comment(`Node TZ=${process.env.TZ ?? '(unset)'}, offset ${-new Date().getTimezoneOffset()} min; Postgres TimeZone=${String(zone)}`)

  const author = (await app.inject({ method: 'POST', url: '/authors', payload: { name: 'Dated', bio: 'b' } })).json()
  for (const publishedOn of DATES) {
    const created = await app.inject({ method: 'POST', url: '/books', payload: { authorId: author.id, title: publishedOn, publishedOn } })
    t.equal(created.json().publishedOn, publishedOn, `POST returns ${publishedOn}`)

    const fetched = await app.inject({ method: 'GET', url: `/books/${String(created.json().id)}` })
    t.equal(fetched.json().publishedOn, publishedOn, `GET returns ${publishedOn}`)
  }

  const listed = (await app.inject({ method: 'GET', url: `/authors/${String(author.id)}/books?limit=100` })).json()
  t.same(listed.items.map((book: { publishedOn: string }) => book.publishedOn), DATES, 'the author\'s list returns every date unchanged')

  const range = (await app.inject({ method: 'GET', url: '/books?publishedFrom=1969-12-31&publishedTo=1970-01-01' })).json()
  t.same(range.items.map((book: { publishedOn: string }) => book.publishedOn), ['1970-01-01', '1969-12-31'], 'range bounds are whole days')

  const raw = await app.pool.query<{ publishedOn: unknown }>("SELECT published_on AS \"publishedOn\" FROM books WHERE title = '0001-01-01'")
  t.equal(raw.rows[0]?.publishedOn, '0001-01-01', 'the pool parses date as text, as the generated type says')

  const stored = await app.pool.query<{ text: string }>("SELECT published_on::text AS text FROM books WHERE title = '2024-02-29'")
  t.equal(stored.rows[0]?.text, '2024-02-29', 'the column holds the day that was sent')
})

t.test('timestamps are UTC ISO 8601', async (t) => {
  const app = await buildTestApp(t)
  const before = Date.now()
  const author = (await app.inject({ method: 'POST', url: '/authors', payload: { name: 'Timed', bio: 'b' } })).json()
  t.match(author.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'UTC with a Z')
  t.ok(Math.abs(Date.parse(author.createdAt) - before) < 60_000, 'the instant is now, not shifted by an offset')
})
