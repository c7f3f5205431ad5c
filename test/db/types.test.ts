// Checks that every value a generated query returns at run time is the
// type pgtyped declared for it, through the service's own pool and type
// parsers, on rows at the edges of what schema.sql accepts. A second part
// generates a query over the mapped types that no table uses yet and checks
// it the same way. docs/types.md describes the mapping under test.

import type { PreparedQuery } from '@pgtyped/runtime'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type pg from 'pg'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import type { TObject, TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type * as authorQueries from '../../generated/authors.queries.js'
import type * as bookQueries from '../../generated/books.queries.js'
import { createPool, retryingConnection } from '../../src/db/pool.js'
import { MAPPED_TYPES } from '../../src/db/type-parsers.js'
import { Author } from '../../src/schemas/authors.js'
import { Book } from '../../src/schemas/books.js'
import { createTestDatabase } from '../helpers/database.js'
import { copyProject, root, runGen } from '../helpers/gen-project.js'
import {
  describeShape,
  readGeneratedQueries,
  withoutNull,
  type GeneratedQuery,
  type TypeShape
} from '../helpers/generated-types.js'
import {
  checkValue,
  DECIDED_TYPES,
  decidedDeclaration,
  decidedJsonSchema,
  type PostgresType
} from '../helpers/value-checks.js'

type Queries = typeof authorQueries & typeof bookQueries
type QueryName = keyof Queries
type ParamsOf<Name extends QueryName> = Queries[Name] extends PreparedQuery<infer Params, unknown> ? Params : never

interface QueryCase<Params> {
  label: string
  params: Params
  /** Rows the query must return, at least 1 so that their types are checked. */
  rows: number
}

type QueryCases = { [Name in QueryName]: Array<QueryCase<ParamsOf<Name>>> }

const MAX = Number.MAX_SAFE_INTEGER

// Edge rows, inserted with OVERRIDING SYSTEM VALUE at the top of the id range.
/** Maximum-length texts, minimum createdAt, maximum updatedAt, and three books. */
const EDGE_AUTHOR = MAX
/** Shortest texts and no books until replaceBook moves one to it. */
const BOOKLESS_AUTHOR = MAX - 1
/** Replaced, updated and finally deleted. */
const SPARE_AUTHOR = MAX - 2
/** Every column at its largest. */
const FULL_BOOK = MAX
/** NULL isbn and publishedOn, empty tags. */
const EMPTY_BOOK = MAX - 1
/** Tags that array text has to quote or escape. Updated, then deleted. */
const QUOTED_TAGS_BOOK = MAX - 2

/** Text of `count` code points that mixes 1- to 4-byte UTF-8 characters. */
function mixedText (count: number): string {
  const characters = ['a', 'é', '€', '😀']
  return Array.from({ length: count }, (_, index) => characters[index % characters.length]).join('')
}

const NAME_MAX = mixedText(32)
const BIO_MAX = mixedText(10000)
const TITLE_MAX = mixedText(200)
/** 20 distinct tags of 50 down to 31 code points. */
const TAGS_MAX = Array.from({ length: 20 }, (_, index) => mixedText(50 - index))
const QUOTED_TAGS = ['NULL', 'null', 'a,b', '"quoted"', 'back\\slash', '{braces}', ' spaced ', '']
const EARLIEST = '0001-01-01 00:00:00+00'
const LATEST = '9999-12-31 23:59:59.999+00'

/** Parameter sets for every generated query, run in this order: reads first, deletes last. */
const CASES: QueryCases = {
  getAuthor: [
    { label: 'longest texts', params: { id: EDGE_AUTHOR }, rows: 1 },
    { label: 'shortest texts', params: { id: BOOKLESS_AUTHOR }, rows: 1 }
  ],
  listAuthors: [
    { label: 'first page', params: { limit: 100 }, rows: 3 },
    // C.UTF-8 orders by code point, so 'Zoë' sorts before names starting with 'a'.
    { label: 'after a position', params: { afterName: 'Zoë', afterId: SPARE_AUTHOR, limit: 100 }, rows: 2 }
  ],
  getBook: [
    { label: 'largest values', params: { id: FULL_BOOK }, rows: 1 },
    { label: 'nulls and empty tags', params: { id: EMPTY_BOOK }, rows: 1 },
    { label: 'quoted tags', params: { id: QUOTED_TAGS_BOOK }, rows: 1 }
  ],
  listBooks: [
    { label: 'no filter', params: { tags: [], limit: 100 }, rows: 3 },
    {
      label: 'every filter',
      params: {
        authorId: EDGE_AUTHOR,
        tags: ['NULL', ''],
        publishedFrom: '0001-01-01',
        publishedTo: '9999-12-31',
        titlePattern: '%',
        afterId: 1,
        limit: 100
      },
      rows: 1
    }
  ],
  listAuthorBooks: [
    { label: 'author with books', params: { authorId: EDGE_AUTHOR, limit: 100 }, rows: 3 },
    { label: 'author without books', params: { authorId: BOOKLESS_AUTHOR, limit: 100 }, rows: 1 }
  ],
  createAuthor: [
    { label: 'longest texts', params: { name: NAME_MAX, bio: BIO_MAX }, rows: 1 }
  ],
  createBook: [
    {
      label: 'nulls and empty tags',
      params: { authorId: EDGE_AUTHOR, title: TITLE_MAX, isbn: null, publishedOn: null, tags: [] },
      rows: 1
    },
    {
      label: 'latest date, most tags',
      params: { authorId: EDGE_AUTHOR, title: 'z', isbn: '9781861972712', publishedOn: '9999-12-31', tags: TAGS_MAX },
      rows: 1
    }
  ],
  replaceAuthor: [
    { label: 'longest texts', params: { id: SPARE_AUTHOR, name: NAME_MAX, bio: BIO_MAX }, rows: 1 }
  ],
  updateAuthor: [
    { label: 'nothing changed', params: { id: SPARE_AUTHOR, name: null, bio: null }, rows: 1 },
    { label: 'shortest texts', params: { id: SPARE_AUTHOR, name: 'b', bio: '' }, rows: 1 }
  ],
  replaceBook: [
    {
      label: 'earliest date, no tags',
      params: {
        id: EMPTY_BOOK,
        authorId: BOOKLESS_AUTHOR,
        title: 'x',
        isbn: null,
        publishedOn: '0001-01-01',
        tags: []
      },
      rows: 1
    }
  ],
  updateBook: [
    {
      label: 'clear isbn and date',
      params: { id: QUOTED_TAGS_BOOK, setIsbn: true, isbn: null, setPublishedOn: true, publishedOn: null },
      rows: 1
    },
    { label: 'nothing changed', params: { id: FULL_BOOK, setIsbn: false, setPublishedOn: false }, rows: 1 }
  ],
  deleteBook: [
    { label: 'edge id', params: { id: QUOTED_TAGS_BOOK }, rows: 1 }
  ],
  deleteAuthor: [
    { label: 'edge id', params: { id: SPARE_AUTHOR }, rows: 1 }
  ]
}

/** Route response schemas that a query's rows are sent with. Their keys are the row keys. */
const ROUTE_SCHEMAS: Partial<Record<QueryName, { name: string, schema: TObject }>> = {
  createAuthor: { name: 'Author', schema: Author },
  getAuthor: { name: 'Author', schema: Author },
  replaceAuthor: { name: 'Author', schema: Author },
  updateAuthor: { name: 'Author', schema: Author },
  listAuthors: { name: 'Author', schema: Author },
  createBook: { name: 'Book', schema: Book },
  getBook: { name: 'Book', schema: Book },
  replaceBook: { name: 'Book', schema: Book },
  updateBook: { name: 'Book', schema: Book },
  listBooks: { name: 'Book', schema: Book }
}

/** Fills a fresh database with the edge rows above, through SQL. */
async function insertEdgeRows (pool: pg.Pool): Promise<void> {
  // Identity values start just below the edge rows, so rows that the
  // queries create have ids near 2^53 - 1 as well.
  await pool.query(
    "SELECT setval(pg_get_serial_sequence('authors', 'id'), $1), setval(pg_get_serial_sequence('books', 'id'), $1)",
    [MAX - 100]
  )
  await pool.query(`
    INSERT INTO authors (id, name, bio, created_at, updated_at)
    OVERRIDING SYSTEM VALUE VALUES
      ($1, $4, $5, $6, $7),
      ($2, 'a', '', $7, $6),
      ($3, 'Zoë', 'b', $6, $6)`,
  [EDGE_AUTHOR, BOOKLESS_AUTHOR, SPARE_AUTHOR, NAME_MAX, BIO_MAX, EARLIEST, LATEST])
  await pool.query(`
    INSERT INTO books (id, author_id, title, isbn, published_on, tags, created_at, updated_at)
    OVERRIDING SYSTEM VALUE VALUES
      ($1, $4, $5, '9780306406157', '9999-12-31', $6, $7, $8),
      ($2, $4, 'x', NULL, NULL, '{}', $8, $7),
      ($3, $4, 'y', '9791234567896', '0001-01-01', $9, $7, $8)`,
  [FULL_BOOK, EMPTY_BOOK, QUOTED_TAGS_BOOK, EDGE_AUTHOR, TITLE_MAX, TAGS_MAX, EARLIEST, LATEST, QUOTED_TAGS])
}

/** Creates a pool with createPool, as the service does, that logs nothing and closes when `t` ends. */
function servicePool (t: Test, connectionString: string): pg.Pool {
  const pool = createPool({
    connectionString,
    max: 2,
    connectTimeoutMs: 5000,
    statementTimeoutMs: 5000,
    logger: pino({ level: 'silent' })
  })
  t.teardown(async () => { await pool.end() })
  return pool
}

/**
 * Wraps a pool so that the test can read the result columns of the last
 * query, which retryingConnection leaves out of what it returns.
 */
function recordColumns (pool: pg.Pool): { pool: pg.Pool, lastColumns: () => pg.FieldDef[] } {
  let columns: pg.FieldDef[] = []
  const recording = new Proxy(pool, {
    get (target, property, receiver) {
      if (property !== 'query') {
        return Reflect.get(target, property, receiver) as unknown
      }
      return async (text: string, values: unknown[]) => {
        const result = await target.query(text, values)
        columns = result.fields
        return result
      }
    }
  })
  return { pool: recording, lastColumns: () => columns }
}

/** Looks up the Postgres type of each column by its type OID, keyed by row key. */
async function columnTypes (pool: pg.Pool, columns: pg.FieldDef[]): Promise<Map<string, PostgresType>> {
  const { rows } = await pool.query<{ oid: number, name: string, element: string | null }>(`
    SELECT t.oid::int4 AS oid, t.typname AS name, e.typname AS element
    FROM pg_type AS t
    LEFT JOIN pg_type AS e ON e.oid = t.typelem AND t.typcategory = 'A'
    WHERE t.oid = ANY($1::oid[])`,
  [columns.map((column) => column.dataTypeID)])
  const types = new Map<number, PostgresType>(rows.map((row) => [
    row.oid,
    row.element === null ? { name: row.name } : { name: row.name, element: { name: row.element } }
  ]))
  const byColumn = new Map<string, PostgresType>()
  for (const column of columns) {
    // PreparedQuery.run removes a trailing `!` or `?` of an alias from the row key.
    const key = column.name.replace(/[!?]$/, '')
    byColumn.set(key, types.get(column.dataTypeID) ?? { name: `oid ${column.dataTypeID}` })
  }
  return byColumn
}

function typeName (type: PostgresType): string {
  return type.element === undefined ? type.name : `${type.element.name}[]`
}

/** Imports a generated query module and returns its PreparedQuery by name. */
async function loadQuery (dir: string, query: GeneratedQuery): Promise<PreparedQuery<unknown, unknown>> {
  const url = pathToFileURL(join(dir, query.file)).href
  const module = await import(url) as Record<string, PreparedQuery<unknown, unknown>>
  const prepared = module[query.name]
  if (prepared === undefined) {
    throw new Error(`${query.file} does not export ${query.name}`)
  }
  return prepared
}

/** Checks a parameter set against the query's Params interface. */
function checkParams (t: Test, query: GeneratedQuery, label: string, params: Record<string, unknown>): void {
  const declared = new Set(query.params.map((field) => field.name))
  const extra = Object.keys(params).filter((key) => !declared.has(key))
  t.same(extra, [], `${query.name} ${label}: no parameter beyond the Params interface`)
  for (const field of query.params) {
    if (!field.optional) {
      t.ok(Object.hasOwn(params, field.name), `${query.name} ${label}: required parameter ${field.name} is given`)
    }
    const problem = checkValue(params[field.name], field.shape)
    t.equal(problem, undefined, `${query.name} ${label}: parameter ${field.name} matches ${describeShape(field.shape)}`)
  }
}

/**
 * Checks the returned rows against the query's Result interface: each
 * column's Postgres type is declared as the mapping decides, no key is
 * missing or extra, and every value fits its declared type.
 */
function checkRows (
  t: Test,
  query: GeneratedQuery,
  label: string,
  rows: unknown[],
  columns: Map<string, PostgresType>
): void {
  const name = query.name
  for (const field of query.result) {
    const column = columns.get(field.name)
    t.ok(column, `${name}.${field.name}: the query returns this column`)
    if (column !== undefined) {
      const declared = describeShape(withoutNull(field.shape))
      const decided = decidedDeclaration(column) ?? `(no mapping decided for Postgres ${typeName(column)})`
      t.equal(declared, decided, `${name}.${field.name}: Postgres ${typeName(column)} is declared as ${decided}`)
    }
  }

  const declaredKeys = new Set(query.result.map((field) => field.name))
  for (const [index, row] of rows.entries()) {
    const record = row as Record<string, unknown>
    const where = `${name} ${label} row ${index}`
    const extra = Object.keys(record).filter((key) => !declaredKeys.has(key))
    t.same(extra, [], `${where}: no key beyond the Result interface`)
    for (const field of query.result) {
      if (!field.optional) {
        t.ok(Object.hasOwn(record, field.name), `${where}: ${field.name} is present`)
      }
      const column = columns.get(field.name)
      const problem = checkValue(record[field.name], field.shape, column)
      const columnType = column === undefined ? 'unknown type' : typeName(column)
      t.equal(problem, undefined, `${where}: ${field.name} (${columnType}) matches ${describeShape(field.shape)}`)
    }
  }
}

/** Converts a row value to what a route sends: Dates become toISOString() text. */
function toJsonValue (value: unknown): unknown {
  if (value instanceof Date) {
    return value.toISOString()
  }
  return Array.isArray(value) ? value.map(toJsonValue) : value
}

function allowsNull (shape: TypeShape): boolean {
  if (shape.kind === 'alias') {
    return allowsNull(shape.resolve())
  }
  return shape.kind === 'null' || (shape.kind === 'union' && shape.members.some(allowsNull))
}

/** Returns the non-null member of a TypeBox `X | null` union, or else the schema itself. */
function withoutNullSchema (schema: TSchema): TSchema {
  const members = (schema as { anyOf?: TSchema[] }).anyOf
  const nonNull = members?.filter((member) => (member as { type?: unknown }).type !== 'null')
  return nonNull?.length === 1 && nonNull[0] !== undefined ? nonNull[0] : schema
}

/**
 * Checks that a route's response schema states each column's mapped type:
 * the JSON form the mapping decides, null exactly where the generated type
 * allows it, and acceptance of every returned value as the route sends it.
 */
function checkRouteSchema (
  t: Test,
  query: GeneratedQuery,
  route: { name: string, schema: TObject },
  rows: unknown[],
  columns: Map<string, PostgresType>
): void {
  for (const field of query.result) {
    const property = route.schema.properties[field.name]
    const column = columns.get(field.name)
    if (property === undefined || column === undefined) {
      continue
    }
    const where = `${route.name}.${field.name} for ${query.name}`
    const expected = decidedJsonSchema(column) ?? { decided: false }
    t.match(withoutNullSchema(property), expected, `${where}: states the JSON form of ${typeName(column)}`)
    const nullable = allowsNull(field.shape)
    t.equal(Value.Check(property, null), nullable, `${where}: allows null exactly where the generated type does`)
    for (const [index, row] of rows.entries()) {
      const value = toJsonValue((row as Record<string, unknown>)[field.name])
      t.ok(Value.Check(property, value), `${where}: accepts the value of row ${index}`)
    }
  }
}

t.test('generated queries return declared types', async (t) => {
  const pool = servicePool(t, await createTestDatabase(t))
  await insertEdgeRows(pool)
  const recorder = recordColumns(pool)
  const db = retryingConnection(recorder.pool)
  const generatedDir = join(root, 'generated')
  const generated = await readGeneratedQueries(generatedDir)

  t.test('every query has parameter sets', async (t) => {
    t.ok(generated.length > 0, 'generated/ has queries')
    const cases: Record<string, Array<QueryCase<unknown>> | undefined> = CASES
    for (const query of generated) {
      const queryCases = cases[query.name]
      const covered = queryCases !== undefined && queryCases.length > 0
      t.ok(covered, `${query.name} (generated/${query.file}) has parameter sets in CASES`)
      for (const queryCase of queryCases ?? []) {
        t.ok(queryCase.rows >= 1, `${query.name} ${queryCase.label}: expects at least one row to check`)
      }
    }
    const names = new Set(generated.map((query) => query.name))
    t.same(Object.keys(CASES).filter((name) => !names.has(name)), [], 'every CASES entry names a generated query')
  })

  for (const [name, cases] of Object.entries(CASES) as Array<[QueryName, Array<QueryCase<unknown>>]>) {
    const query = generated.find((candidate) => candidate.name === name)
    if (query === undefined) {
      continue
    }
    const prepared = await loadQuery(generatedDir, query)
    for (const queryCase of cases) {
      t.test(`${name} ${queryCase.label}`, async (t) => {
        checkParams(t, query, queryCase.label, queryCase.params as Record<string, unknown>)
        const rows = await prepared.run(queryCase.params, db)
        const columns = await columnTypes(pool, recorder.lastColumns())

        t.equal(rows.length, queryCase.rows, `${name} ${queryCase.label}: returns ${queryCase.rows} rows`)
        checkRows(t, query, queryCase.label, rows, columns)
        const route = ROUTE_SCHEMAS[name]
        if (route !== undefined) {
          checkRouteSchema(t, query, route, rows, columns)
        }
      })
    }
  }
})

t.test('parser table matches the catalog', async (t) => {
  const pool = servicePool(t, await createTestDatabase(t))
  const parsed = MAPPED_TYPES.map((type) => type.name).sort()
  t.same(parsed, Object.keys(DECIDED_TYPES).sort(), 'src/db/type-parsers.ts and the test decide the same types')

  for (const type of MAPPED_TYPES) {
    const { rows } = await pool.query<{ oid: number, array: number }>(
      `SELECT oid::int4 AS oid, typarray::int4 AS array FROM pg_type
       WHERE typname = $1 AND typnamespace = 'pg_catalog'::regnamespace`,
      [type.name]
    )
    t.equal(rows[0]?.oid, type.oid, `${type.name} has OID ${type.oid}`)
    t.equal(rows[0]?.array, type.arrayOid, `${type.name}[] has OID ${type.arrayOid}`)
  }
})

/** Results that no mapped type can represent, and the error each must raise. */
const UNREPRESENTABLE: Array<[sql: string, message: RegExp]> = [
  ['SELECT 9007199254740992::int8', /^int8 value 9007199254740992 is outside/],
  ['SELECT ARRAY[-9007199254740992]::int8[]', /^int8 value -9007199254740992 is outside/],
  ["SELECT 'NaN'::numeric", /^numeric value NaN is not a finite decimal/],
  ["SELECT ARRAY['-Infinity']::numeric[]", /^numeric value -Infinity is not a finite decimal/],
  ["SELECT 'infinity'::date", /^date value infinity is not/],
  ["SELECT '0044-03-15 BC'::date", /^date value 0044-03-15 BC is not/],
  ["SELECT ARRAY['10000-01-01']::date[]", /^date value 10000-01-01 is not/],
  ["SELECT '-infinity'::timestamp", /^timestamp value -infinity is not/],
  ["SELECT '0044-03-15 12:00:00 BC'::timestamp", /^timestamp value 0044-03-15 12:00:00 BC is not/],
  ["SELECT 'infinity'::timestamptz", /^timestamptz value infinity is not a valid instant/],
  ["SELECT '10000-01-01 00:00:00+00'::timestamptz", /^timestamptz value .* is outside the UTC years/],
  [
    "SELECT '0001-01-01 00:00:00+00'::timestamptz - interval '1 millisecond'",
    /^timestamptz value .* BC is outside the UTC years/
  ],
  ['SELECT \'{"id": 9007199254740993}\'::jsonb', /^json value has an integer outside the safe integer range/],
  ["SELECT '[1e400]'::json", /^json value has a number beyond the range of a double/],
  ["SELECT ARRAY['a', NULL]::text[]", /^text\[\] value has a NULL element/],
  ["SELECT '{{1,2},{3,4}}'::int4[]", /^int4\[\] value has more than one dimension/]
]

t.test('parsers reject unrepresentable values', async (t) => {
  const pool = servicePool(t, await createTestDatabase(t))
  for (const [sql, message] of UNREPRESENTABLE) {
    await t.rejects(pool.query(sql), { message }, `${sql} fails the query`)
  }
  t.same((await pool.query('SELECT 1 AS one')).rows, [{ one: 1 }], 'the pool still runs queries afterwards')
})

/** Column values that the schema must reject, with the constraint that rejects queryCase. */
const OUT_OF_RANGE_VALUES: Array<[table: 'authors' | 'books', column: string, value: string, constraint: string]> = [
  ['authors', 'id', '9007199254740992', 'authors_id_range'],
  ['authors', 'id', '0', 'authors_id_range'],
  ['authors', 'created_at', 'infinity', 'authors_created_at_range'],
  ['authors', 'created_at', '0001-12-31 23:59:59+00 BC', 'authors_created_at_range'],
  // timestamptz(3) rounds this up to 10000-01-01.
  ['authors', 'updated_at', '9999-12-31 23:59:59.9996+00', 'authors_updated_at_range'],
  ['books', 'id', '9007199254740992', 'books_id_range'],
  ['books', 'published_on', 'infinity', 'books_published_on_range'],
  ['books', 'published_on', '0001-12-31 BC', 'books_published_on_range'],
  ['books', 'published_on', '10000-01-01', 'books_published_on_range'],
  ['books', 'tags', '{a,NULL}', 'books_tags_flat'],
  ['books', 'tags', '{{a},{b}}', 'books_tags_flat'],
  ['books', 'created_at', '-infinity', 'books_created_at_range'],
  ['books', 'updated_at', '10000-01-01 00:00:00+00', 'books_updated_at_range']
]

t.test('schema rejects unrepresentable values', async (t) => {
  const pool = servicePool(t, await createTestDatabase(t))
  await pool.query("INSERT INTO authors (name, bio) VALUES ('n', 'b')")
  for (const [table, column, value, constraint] of OUT_OF_RANGE_VALUES) {
    // OVERRIDING SYSTEM VALUE lets the id columns take the value.
    const sql = table === 'authors'
      ? `INSERT INTO authors (name, bio, ${column}) OVERRIDING SYSTEM VALUE VALUES ('n', 'b', $1)`
      : `INSERT INTO books (author_id, title, ${column}) OVERRIDING SYSTEM VALUE SELECT id, 't', $1 FROM authors`
    await t.rejects(pool.query(sql, [value]), { code: '23514', constraint }, `${constraint} rejects ${column} ${value}`)
  }
})

/**
 * A query over every mapped type that no table uses yet. Its rows hold the
 * largest and smallest values each type accepts, empty arrays and NULL.
 */
const PROBE_SQL = `/* @name selectTypeEdges */
SELECT
  edge.label AS "label!",
  edge.int8,
  edge.int8_array AS "int8Array",
  edge.numeric,
  edge.numeric_array AS "numericArray",
  edge.date,
  edge.date_array AS "dateArray",
  edge.local AS "timestamp",
  edge.local_array AS "timestampArray",
  edge.instant AS "timestamptz",
  edge.instant_array AS "timestamptzArray",
  edge.json,
  edge.json_array AS "jsonArray",
  edge.jsonb,
  edge.jsonb_array AS "jsonbArray",
  :document!::jsonb AS "document"
FROM (VALUES
  (
    'maximum',
    9007199254740991::int8,
    '{9007199254740991,-9007199254740991,0}'::int8[],
    '123456789012345678901234567890.123456789012345678901234567890'::numeric,
    '{1.10,-0.000000000000000000001}'::numeric[],
    '9999-12-31'::date,
    '{0001-01-01,2024-02-29,9999-12-31}'::date[],
    '9999-12-31 23:59:59.999999'::timestamp,
    '{"0001-01-01 00:00:00","2024-03-31 02:30:00"}'::timestamp[],
    '9999-12-31 23:59:59.999+00'::timestamptz,
    '{"0001-01-01 00:00:00+00","9999-12-31 23:59:59.999+00"}'::timestamptz[],
    '{"maximum": 9007199254740991, "fraction": 0.1, "text": "ü€😀", "nested": [null, true, {"empty": []}]}'::json,
    ARRAY['null', '[]', '{}', '"NULL"']::json[],
    '{"minimum": -9007199254740991, "long": "${mixedText(1000)}"}'::jsonb,
    ARRAY['1', 'false', '"text"']::jsonb[]
  ),
  (
    'minimum', -9007199254740991, '{}',
    '-123456789012345678901234567890.123456789012345678901234567890', '{}',
    '0001-01-01', '{}',
    '0001-01-01 00:00:00', '{}',
    '0001-01-01 00:00:00+00', '{}',
    'null', '{}',
    '"text"', '{}'
  ),
  ('null', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
) AS edge (
  label, int8, int8_array, numeric, numeric_array, date, date_array, local, local_array,
  instant, instant_array, json, json_array, jsonb, jsonb_array
)
ORDER BY edge.label;
`

const PROBE_DOCUMENT = [1, { a: [true, null], text: 'ü€😀' }]

/** The value of every probe column in each row, by label. */
const PROBE_ROWS: Record<string, Record<string, unknown>> = {
  maximum: {
    label: 'maximum',
    int8: MAX,
    int8Array: [MAX, -MAX, 0],
    numeric: '123456789012345678901234567890.123456789012345678901234567890',
    numericArray: ['1.10', '-0.000000000000000000001'],
    date: '9999-12-31',
    dateArray: ['0001-01-01', '2024-02-29', '9999-12-31'],
    timestamp: '9999-12-31T23:59:59.999999',
    // 02:30 on 2024-03-31 does not exist in Europe/Berlin, where the probe also runs.
    timestampArray: ['0001-01-01T00:00:00', '2024-03-31T02:30:00'],
    timestamptz: new Date('9999-12-31T23:59:59.999Z'),
    timestamptzArray: [new Date('0001-01-01T00:00:00.000Z'), new Date('9999-12-31T23:59:59.999Z')],
    json: { maximum: MAX, fraction: 0.1, text: 'ü€😀', nested: [null, true, { empty: [] }] },
    jsonArray: [null, [], {}, 'NULL'],
    jsonb: { minimum: -MAX, long: mixedText(1000) },
    jsonbArray: [1, false, 'text'],
    document: PROBE_DOCUMENT
  },
  minimum: {
    label: 'minimum',
    int8: -MAX,
    int8Array: [],
    numeric: '-123456789012345678901234567890.123456789012345678901234567890',
    numericArray: [],
    date: '0001-01-01',
    dateArray: [],
    timestamp: '0001-01-01T00:00:00',
    timestampArray: [],
    timestamptz: new Date('0001-01-01T00:00:00.000Z'),
    timestamptzArray: [],
    json: null,
    jsonArray: [],
    jsonb: 'text',
    jsonbArray: [],
    document: PROBE_DOCUMENT
  },
  null: {
    label: 'null',
    int8: null,
    int8Array: null,
    numeric: null,
    numericArray: null,
    date: null,
    dateArray: null,
    timestamp: null,
    timestampArray: null,
    timestamptz: null,
    timestamptzArray: null,
    json: null,
    jsonArray: null,
    jsonb: null,
    jsonbArray: null,
    document: PROBE_DOCUMENT
  }
}

interface ProbeSettings {
  label: string
  /** DateStyle and TimeZone set on the database, so every new session starts with them. */
  dateStyle?: string
  timeZone?: string
  /** TZ of this process while the probe runs. */
  processTimeZone?: string
}

/** Settings the probe runs under; the pool's results must not change with them. */
const PROBE_SETTINGS: ProbeSettings[] = [
  { label: 'server defaults' },
  {
    label: 'other DateStyle and time zones',
    // The pool requests DateStyle ISO at connection start, which wins over
    // the database's setting. Kiritimati is UTC+14 and, for the year 0001,
    // uses its local mean time of -10:29:20.
    dateStyle: 'SQL, DMY',
    timeZone: 'Pacific/Kiritimati',
    processTimeZone: 'Europe/Berlin'
  }
]

t.test('probe query covers unused types', async (t) => {
  const databaseUrl = await createTestDatabase(t)
  const dir = await copyProject(t)
  await writeFile(join(dir, 'queries', 'type_probe.sql'), PROBE_SQL)
  const gen = await runGen(dir, databaseUrl)
  t.equal(gen.code, 0, `scripts/gen.ts generates the probe query:\n${gen.output}`)

  const generatedDir = join(dir, 'generated')
  const query = (await readGeneratedQueries(generatedDir)).find((candidate) => candidate.name === 'selectTypeEdges')
  t.ok(query, 'generated/type_probe.queries.ts exports selectTypeEdges')
  if (query === undefined) {
    return
  }
  const prepared = await loadQuery(generatedDir, query)
  const params = { document: JSON.stringify(PROBE_DOCUMENT) }
  const database = new URL(databaseUrl).pathname.slice(1)

  for (const settings of PROBE_SETTINGS) {
    t.test(settings.label, async (t) => {
      const admin = servicePool(t, databaseUrl)
      if (settings.dateStyle !== undefined) {
        await admin.query(`ALTER DATABASE ${database} SET DateStyle = '${settings.dateStyle}'`)
      }
      if (settings.timeZone !== undefined) {
        await admin.query(`ALTER DATABASE ${database} SET TimeZone = '${settings.timeZone}'`)
      }
      const originalTimeZone = process.env.TZ
      if (settings.processTimeZone !== undefined) {
        process.env.TZ = settings.processTimeZone
      }
      t.teardown(() => {
        if (originalTimeZone === undefined) {
          delete process.env.TZ
        } else {
          process.env.TZ = originalTimeZone
        }
      })

      const pool = servicePool(t, databaseUrl)
      const session = await pool.query<{ dateStyle: string, timeZone: string }>(
        "SELECT current_setting('DateStyle') AS \"dateStyle\", current_setting('TimeZone') AS \"timeZone\""
      )
      t.match(session.rows[0]?.dateStyle, /^ISO,/, 'the pool\'s sessions use DateStyle ISO')
      if (settings.timeZone !== undefined) {
        t.equal(session.rows[0]?.timeZone, settings.timeZone, `the pool's sessions use TimeZone ${settings.timeZone}`)
      }

      const recorder = recordColumns(pool)
      checkParams(t, query, settings.label, params)
      const rows = await prepared.run(params, retryingConnection(recorder.pool))
      const columns = await columnTypes(pool, recorder.lastColumns())

      t.equal(rows.length, 3, 'selectTypeEdges returns 3 rows')
      checkRows(t, query, settings.label, rows, columns)
      for (const row of rows as Array<Record<string, unknown>>) {
        const expected = PROBE_ROWS[String(row.label)] ?? {}
        for (const [field, value] of Object.entries(expected)) {
          t.strictSame(row[field], value, `selectTypeEdges ${String(row.label)}.${field} is exact`)
        }
      }
    })
  }
})
