import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { findFreePort, startEmbeddedPostgres } from '../src/db/embedded.js'
import { describeDatabase } from '../src/db/pool.js'
import { isLocalPostgres, parentPid } from './proc.js'
import { AUTHOR_BIO, type IdRange, type SeedInfo } from './scenarios.js'

export interface BenchDatabase {
  connectionString: string
  /** Location of the data, for the report; never contains the password. */
  description: string
  /** The Postgres server's main process when it runs on this machine, for its CPU time. */
  postmasterPid: number | undefined
  stop: () => Promise<void>
}

/** Starts a throwaway embedded Postgres with schema.sql applied; stop() deletes it. */
export async function startThrowawayPostgres (): Promise<BenchDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'authors-bench-'))
  const port = await findFreePort()
  const server = await startEmbeddedPostgres({ dir, port, throwaway: true })
  return {
    connectionString: server.connectionString,
    description: `embedded Postgres on 127.0.0.1:${port}, data in ${dir} (deleted afterwards)`,
    postmasterPid: await findPostmaster(server.connectionString),
    stop: server.stop
  }
}

/**
 * Checks that DATABASE_URL contains the schema, and that its authors table is
 * empty unless `allowExistingData`, because the seed writes to it.
 */
export async function useDatabaseUrl (connectionString: string, allowExistingData: boolean): Promise<BenchDatabase> {
  const where = describeDatabase(connectionString)
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    const missing = await client.query<{ name: string }>(
      "SELECT name FROM unnest(ARRAY['authors', 'books']) AS name WHERE to_regclass(name) IS NULL"
    )
    if (missing.rows.length > 0) {
      const names = missing.rows.map((row) => row.name).join(', ')
      throw new Error(`table ${names} missing from ${where}; load schema.sql into it first`)
    }
    const existing = await client.query('SELECT 1 FROM authors LIMIT 1')
    if (existing.rows.length > 0 && !allowExistingData) {
      throw new Error(
        `${where} already has authors, and the benchmark would add ` +
        'thousands of rows to it; use an empty database, or pass --allow-existing-data'
      )
    }
  } finally {
    await client.end()
  }
  return {
    connectionString,
    description: `DATABASE_URL (${where}); seeded rows stay in it`,
    postmasterPid: await findPostmaster(connectionString),
    stop: async () => {}
  }
}

/** Finds the server's main process through a backend's parent, when the server is local. */
async function findPostmaster (connectionString: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    const result = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
    const backend = result.rows[0]?.pid
    if (backend === undefined || !isLocalPostgres(backend)) {
      return undefined
    }
    const postmaster = parentPid(backend)
    return postmaster !== undefined && isLocalPostgres(postmaster) ? postmaster : undefined
  } finally {
    await client.end()
  }
}

/**
 * ISBN-13 of the i-th seeded book: 978, nine digits from `offset + i` and
 * the check digit that makes the weighted digit sum (weights 1, 3, 1, ...)
 * a multiple of 10.
 */
const SEED_ISBN = `
  '978' || lpad((offset_value + i)::text, 9, '0') || (
    (10 - (
      SELECT sum(substr('978' || lpad((offset_value + i)::text, 9, '0'), k, 1)::int
        * CASE WHEN k % 2 = 0 THEN 3 ELSE 1 END)
      FROM generate_series(1, 12) AS k
    ) % 10) % 10
  )::text`

/**
 * Inserts `authors` authors named "Author 000001" and so on, and `books`
 * books spread evenly over them, with ISBNs, dates and two tags each. Then
 * analyzes both tables, so the planner has statistics for them.
 */
export async function seed (connectionString: string, authors: number, books: number): Promise<SeedInfo> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    const authorRange = await insertRange(client, `
      WITH inserted AS (
        INSERT INTO authors (name, bio)
        SELECT 'Author ' || lpad(i::text, 6, '0'), $2
        FROM generate_series(1, $1::int) AS i
        RETURNING id
      )
      SELECT min(id) AS first, max(id) AS last, count(*) AS count FROM inserted`, [authors, AUTHOR_BIO])

    let bookRange: IdRange | undefined
    if (books > 0) {
      // ISBNs continue from the highest book id, so a second run on the same
      // database does not repeat the ISBNs of the first.
      bookRange = await insertRange(client, `
        WITH inserted AS (
          INSERT INTO books (author_id, title, isbn, published_on, tags)
          SELECT
            $2::bigint + i % $3::bigint,
            'Book ' || i,
            ${SEED_ISBN},
            date '1950-01-01' + i % 25000,
            ARRAY['tag' || i % 20, 'genre' || i % 7]
          FROM generate_series(1, $1::int) AS i,
            (SELECT coalesce(max(id), 0) AS offset_value FROM books) AS offset_row
          RETURNING id
        )
        SELECT min(id) AS first, max(id) AS last, count(*) AS count FROM inserted`,
      [books, authorRange.first, authors])
    }
    await client.query('VACUUM ANALYZE authors, books')
    return { authors: authorRange, books: bookRange }
  } finally {
    await client.end()
  }
}

/**
 * Runs an INSERT that returns the first and last new id and the row count,
 * and checks that the ids have no gaps: the scenarios pick ids at random
 * from the range. A concurrent writer to the same table breaks that.
 */
async function insertRange (client: pg.Client, sql: string, values: unknown[]): Promise<IdRange> {
  const result = await client.query<{ first: string, last: string, count: string }>(sql, values)
  const row = result.rows[0]
  const first = Number(row?.first)
  const last = Number(row?.last)
  if (row === undefined || last - first + 1 !== Number(row.count)) {
    throw new Error('seeded ids are not contiguous; another client wrote to the same table during the seed')
  }
  return { first, last }
}
