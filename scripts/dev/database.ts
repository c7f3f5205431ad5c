// The development database of `just dev`, and its rebuild from schema.sql.

import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import pg from 'pg'
import { schemaPath, toSchemaError } from '../../src/db/schema-file.js'

/** Prefix of the database comment that records which schema.sql built it. */
const FINGERPRINT_PREFIX = 'built from schema.sql sha256 '

export interface SchemaFile {
  sql: string
  sha256: string
}

export async function readSchemaFile (): Promise<SchemaFile> {
  const sql = await readFile(schemaPath(), 'utf8')
  return { sql, sha256: createHash('sha256').update(sql).digest('hex') }
}

function withDatabase (connectionString: string, database: string): string {
  const url = new URL(connectionString)
  url.pathname = `/${database}`
  return url.toString()
}

function databaseName (connectionString: string): string {
  const name = decodeURIComponent(new URL(connectionString).pathname.slice(1))
  return name === '' ? 'postgres' : name
}

async function withClient<T> (connectionString: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, application_name: 'authors-service-dev' })
  await client.connect()
  try {
    return await run(client)
  } finally {
    await client.end()
  }
}

/**
 * Connects to a database other than `database` on the same server, for
 * statements that cannot run inside the database they change.
 */
async function withMaintenanceClient<T> (connectionString: string, database: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const maintenance = database === 'postgres' ? 'template1' : 'postgres'
  return await withClient(withDatabase(connectionString, maintenance), run)
}

/** Returns the schema.sql fingerprint recorded on the database, or undefined when none is. */
export async function readFingerprint (connectionString: string): Promise<string | undefined> {
  return await withClient(connectionString, async (client) => {
    const result = await client.query<{ comment: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = current_database()"
    )
    const comment = result.rows[0]?.comment ?? ''
    return comment.startsWith(FINGERPRINT_PREFIX) ? comment.slice(FINGERPRINT_PREFIX.length) : undefined
  })
}

export async function writeFingerprint (connectionString: string, sha256: string): Promise<void> {
  await withClient(connectionString, async (client) => {
    const name = client.escapeIdentifier(databaseName(connectionString))
    await client.query(`COMMENT ON DATABASE ${name} IS ${client.escapeLiteral(FINGERPRINT_PREFIX + sha256)}`)
  })
}

/** A new database built from schema.sql beside the development database, not yet in its place. */
export interface PreparedRebuild {
  /** Connection string of the new database, for checks before the swap. */
  connectionString: string
  /** Replaces the development database with the new one. Nothing may be connected to either. */
  swap: () => Promise<void>
  /** Drops the new database and leaves the development database as it was. */
  discard: () => Promise<void>
}

/**
 * Builds a database named `<name>_next` from `schema` next to the
 * development database. The development database stays untouched, so a
 * schema.sql that fails to apply leaves the running service as it was.
 * Throws SchemaError (src/db/schema-file.ts) when schema.sql fails.
 */
export async function prepareRebuild (connectionString: string, schema: SchemaFile): Promise<PreparedRebuild> {
  const name = databaseName(connectionString)
  const nextName = `${name}_next`
  await withMaintenanceClient(connectionString, name, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(nextName)} WITH (FORCE)`)
    // template0 has datallowconn = false, so no session can make the copy fail as a busy template.
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(nextName)} TEMPLATE template0`)
  })

  const discard = async (): Promise<void> => {
    await withMaintenanceClient(connectionString, name, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(nextName)} WITH (FORCE)`)
    })
  }

  try {
    await withClient(withDatabase(connectionString, nextName), async (client) => {
      await client.query('BEGIN')
      await client.query(schema.sql)
      await client.query('COMMIT')
    })
  } catch (error) {
    await discard()
    throw toSchemaError(schema.sql, error)
  }

  return {
    connectionString: withDatabase(connectionString, nextName),
    discard,
    swap: async () => {
      await withMaintenanceClient(connectionString, name, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`)
        await client.query(`ALTER DATABASE ${client.escapeIdentifier(nextName)} RENAME TO ${client.escapeIdentifier(name)}`)
      })
      await writeFingerprint(connectionString, schema.sha256)
    }
  }
}
