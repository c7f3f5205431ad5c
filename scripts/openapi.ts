// Writes the OpenAPI document that GET /openapi.json serves to openapi.json,
// or with --check compares it with the file and exits 1 when the file is
// stale or missing. Usage: tsx scripts/openapi.ts [--check] [file]
//
// The app is built as the server builds it, but no database is needed:
// buildApp connects only when a query runs, and none runs here, so
// DATABASE_URL points at a loopback port where nothing listens. The
// document must not depend on configuration, so a fixed one is used and
// neither the environment nor .env is read.

import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/index.js'
import { formatOpenApiDocument } from '../src/plugins/openapi.js'

const root = dirname(dirname(fileURLToPath(import.meta.url)))

const UNREACHABLE_DATABASE_URL = 'postgres://openapi@127.0.0.1:1/openapi'

async function generate (): Promise<string> {
  const config = loadConfig({
    env: { NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: UNREACHABLE_DATABASE_URL }
  })
  const app = await buildApp(config)
  try {
    await app.ready()
    return formatOpenApiDocument(app.swagger())
  } finally {
    await app.close()
  }
}

async function readIfPresent (file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined
    }
    throw error
  }
}

async function main (args: string[]): Promise<number> {
  const check = args.includes('--check')
  const rest = args.filter((arg) => arg !== '--check')
  if (rest.length > 1 || rest.some((arg) => arg.startsWith('-'))) {
    console.error('usage: tsx scripts/openapi.ts [--check] [file]')
    return 2
  }
  const file = rest[0] ?? join(root, 'openapi.json')
  const shown = relative(process.cwd(), file) || file

  const document = await generate()
  const current = await readIfPresent(file)
  if (check) {
    if (current === document) {
      console.log(`${shown} is up to date`)
      return 0
    }
    const problem = current === undefined ? 'is missing' : 'is stale: it differs from the document the app serves'
    console.error(`${shown} ${problem}; run \`npm run openapi\` and commit the result`)
    return 1
  }
  if (current === document) {
    console.log(`${shown} is up to date`)
    return 0
  }
  await writeFile(file, document)
  console.log(`wrote ${shown}`)
  return 0
}

main(process.argv.slice(2)).then((code) => {
  process.exit(code)
}, (error: unknown) => {
  console.error(error)
  process.exit(1)
})
