import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Test } from 'tap'

/** Database that test/run.ts loads with schema.sql; test databases clone it. */
export const TEMPLATE_DATABASE = 'authors_test_template'

function serverUrl (): string {
  const url = process.env.TEST_DATABASE_URL
  if (url === undefined || url === '') {
    throw new Error('TEST_DATABASE_URL is not set; run the tests with `npm test`')
  }
  return url
}

/** Returns the connection string of `database` on the test server. */
export function databaseUrl (database: string): string {
  const url = new URL(serverUrl())
  url.pathname = `/${database}`
  return url.toString()
}

/**
 * Creates a database with the schema for one test file, and drops it when
 * the test ends. Returns its connection string.
 */
export async function createTestDatabase (t: Test): Promise<string> {
  const name = `test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl() })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`)
  } finally {
    await admin.end()
  }

  t.teardown(async () => {
    const client = new pg.Client({ connectionString: serverUrl() })
    await client.connect()
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    } finally {
      await client.end()
    }
  })
  return databaseUrl(name)
}
