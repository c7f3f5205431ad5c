import pg from 'pg'
import t from 'tap'
import {
  createAuthor,
  deleteAuthor,
  getAuthor,
  listAuthors,
  replaceAuthor,
  updateAuthor
} from '../../generated/authors.queries.js'
import { createBook, listAuthorBooks, listBooks } from '../../generated/books.queries.js'
import { parseInt8, typeParsers } from '../../src/db/type-parsers.js'
import { createTestDatabase } from '../helpers/database.js'

t.test('generated author queries', async (t) => {
  const pool = new pg.Pool({ connectionString: await createTestDatabase(t), types: typeParsers, max: 2 })
  t.teardown(async () => { await pool.end() })

  const [created] = await createAuthor.run({ name: 'Italo Calvino', bio: 'Wrote Invisible Cities.' }, pool)

  t.test('createAuthor returns typed columns', async (t) => {
    t.ok(created, 'one row')
    t.type(created?.id, 'number', 'id is a number')
    t.equal(created?.name, 'Italo Calvino')
    t.type(created?.createdAt, Date, 'createdAt is a Date')
    t.type(created?.updatedAt, Date, 'updatedAt is a Date')
    t.same(Object.keys(created ?? {}).sort(), ['bio', 'createdAt', 'id', 'name', 'updatedAt'], 'keys match the generated type')
  })

  t.test('getAuthor finds by id', async (t) => {
    const rows = await getAuthor.run({ id: created?.id ?? 0 }, pool)
    t.same(rows, [created])
    t.same(await getAuthor.run({ id: 123456789 }, pool), [], 'no row for an unknown id')
  })

  t.test('updateAuthor leaves null fields unchanged', async (t) => {
    const [row] = await updateAuthor.run({ id: created?.id ?? 0, name: null, bio: 'Wrote If on a winter\'s night a traveler.' }, pool)
    t.equal(row?.name, 'Italo Calvino')
    t.equal(row?.bio, 'Wrote If on a winter\'s night a traveler.')
    t.ok((row?.updatedAt.getTime() ?? 0) > (created?.updatedAt.getTime() ?? 0), 'trigger moved updatedAt')
  })

  t.test('replaceAuthor keeps updatedAt for equal values', async (t) => {
    const [before] = await getAuthor.run({ id: created?.id ?? 0 }, pool)
    const [row] = await replaceAuthor.run({ id: created?.id ?? 0, name: before?.name ?? '', bio: before?.bio ?? '' }, pool)
    t.same(row?.updatedAt, before?.updatedAt)
  })

  t.test('listAuthors pages by name then id', async (t) => {
    await createAuthor.run({ name: 'Borges', bio: 'b' }, pool)
    await createAuthor.run({ name: 'Borges', bio: 'c' }, pool)
    const first = await listAuthors.run({ limit: 2 }, pool)
    t.same(first.map((row) => row.name), ['Borges', 'Borges'])
    const last = first[1]
    const rest = await listAuthors.run({ afterName: last?.name, afterId: last?.id, limit: 10 }, pool)
    t.same(rest.map((row) => row.name), ['Italo Calvino'])
  })

  t.test('deleteAuthor returns the deleted id', async (t) => {
    t.same(await deleteAuthor.run({ id: created?.id ?? 0 }, pool), [{ id: created?.id }])
    t.same(await deleteAuthor.run({ id: created?.id ?? 0 }, pool), [], 'nothing the second time')
  })

  t.test('schema caps ids at 2^53 - 1', async (t) => {
    await pool.query(`SELECT setval(pg_get_serial_sequence('authors', 'id'), ${Number.MAX_SAFE_INTEGER})`)
    await t.rejects(createAuthor.run({ name: 'Overflow', bio: 'b' }, pool), { code: '2200H' }, 'sequence exhausted instead of passing 2^53 - 1')
  })
})

t.test('parseInt8', async (t) => {
  t.equal(parseInt8('9007199254740991'), Number.MAX_SAFE_INTEGER)
  t.equal(parseInt8('-42'), -42)
  t.throws(() => parseInt8('9007199254740993'), RangeError, 'rejects a value that would round')
})

t.test('generated book queries', async (t) => {
  const pool = new pg.Pool({ connectionString: await createTestDatabase(t), types: typeParsers, max: 2 })
  t.teardown(async () => { await pool.end() })
  const [author] = await createAuthor.run({ name: 'Author', bio: 'b' }, pool)
  const [lonely] = await createAuthor.run({ name: 'No books', bio: 'b' }, pool)
  const authorId = author?.id ?? 0

  t.test('createBook returns arrays, dates and nulls as typed', async (t) => {
    const [book] = await createBook.run({ authorId, title: 'T', isbn: null, publishedOn: '1999-12-31', tags: ['a', 'b'] }, pool)
    t.same(book?.tags, ['a', 'b'], 'text[] is a string array')
    t.equal(book?.publishedOn, '1999-12-31', 'date is its YYYY-MM-DD text')
    t.equal(book?.isbn, null, 'nullable column is null')
  })

  t.test('listBooks takes the tag list as one array parameter', async (t) => {
    t.equal((await listBooks.run({ tags: [], limit: 10 }, pool)).length, 1, 'an empty list filters nothing')
    t.equal((await listBooks.run({ tags: ['a', 'b'], limit: 10 }, pool)).length, 1, 'all tags present')
    t.equal((await listBooks.run({ tags: ['a', 'zzz'], limit: 10 }, pool)).length, 0, 'one tag missing')
  })

  t.test('listAuthorBooks returns nulls from the outer join', async (t) => {
    const rows = await listAuthorBooks.run({ authorId: lonely?.id ?? 0, limit: 10 }, pool)
    t.equal(rows.length, 1, 'one row for an author without books')
    t.equal(rows[0]?.id, null, 'book id is null, as its generated type allows')
    t.equal(rows[0]?.title, null, 'title is null although the column is NOT NULL')
    t.same(await listAuthorBooks.run({ authorId: 999999, limit: 10 }, pool), [], 'no row for an unknown author')
  })
})
