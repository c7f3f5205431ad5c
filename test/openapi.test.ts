import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { formatOpenApiDocument } from '../src/plugins/openapi.js'
import { Problem } from '../src/schemas/common.js'
import { buildAppWithRoutes, isDocumented } from './helpers/routes.js'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']
const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }

interface Operation {
  requestBody?: unknown
  responses: Record<string, { description?: string, content?: Record<string, unknown> }>
}
interface Document {
  openapi: string
  info: { title: string, version: string }
  servers: Array<{ url: string }>
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, unknown> }
}

function operations (document: Document): Array<[string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    OPERATION_METHODS.filter((method) => item[method] !== undefined)
      .map((method): [string, Operation] => [`${method.toUpperCase()} ${path}`, item[method] as Operation]))
}

/** Runs scripts/openapi.ts with `args`; resolves to its exit code and output. */
async function runScript (args: string[]): Promise<{ code: number | null, output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/openapi.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { code, output }
}

const { app, routes } = await buildAppWithRoutes(t)
const response = await app.inject({ method: 'GET', url: '/openapi.json' })
const document = response.json<Document>()
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { name: string, version: string }

t.test('GET /openapi.json serves an OpenAPI 3.1 document', async (t) => {
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^application\/json/)
  t.equal(document.openapi, '3.1.0')
  t.equal(document.info.title, pkg.name, 'title from package.json')
  t.equal(document.info.version, pkg.version, 'version from package.json')
  t.same(document.servers, [{ url: '/' }])
})

t.test('every route the app registers is documented with its method', async (t) => {
  const documented = new Set(operations(document).map(([key]) => key))
  const expected = [...routes].filter(isDocumented)
  t.ok(expected.includes('GET /authors') && expected.includes('POST /books'), 'the routes were collected')
  for (const key of expected) {
    t.ok(documented.has(key), `${key} is in paths`)
  }
  for (const key of documented) {
    t.ok(routes.has(key), `${key} is a route of the app`)
  }
})

t.test('the document and the reference page leave themselves out', async (t) => {
  const own = Object.keys(document.paths).filter((path) => path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/'))
  t.same(own, [])
})

t.test('every operation lists the statuses every route can return', async (t) => {
  for (const [key, operation] of operations(document)) {
    const statuses = Object.keys(operation.responses)
    for (const status of ['400', '415', '500', '503']) {
      t.ok(statuses.includes(status), `${key} lists ${status}`)
    }
    if (operation.requestBody !== undefined) {
      t.ok(statuses.includes('413'), `${key} has a body and lists 413`)
    }
    t.ok(statuses.some((status) => /^2\d\d$/.test(status)), `${key} lists a success status`)
  }
})

t.test('error responses are problem+json with the Problem schema', async (t) => {
  for (const [key, operation] of operations(document)) {
    for (const [status, described] of Object.entries(operation.responses)) {
      if (Number(status) >= 400) {
        t.same(described.content, PROBLEM_CONTENT, `${key} ${status} is application/problem+json`)
        t.not(described.description, 'Default Response', `${key} ${status} is described`)
      } else if (described.content !== undefined) {
        t.same(Object.keys(described.content), ['application/json'], `${key} ${status} is application/json`)
      }
    }
  }
  const { description, ...problem } = document.components.schemas.Problem as Record<string, unknown>
  t.type(description, 'string')
  t.same(problem, JSON.parse(JSON.stringify(Problem)), 'components.schemas.Problem is the Problem of src/schemas/common.ts')
})

t.test('openapi.json is the document the app serves', async (t) => {
  const committed = await readFile(join(root, 'openapi.json'), 'utf8').catch(() => '(missing)')
  // A plain equality, so that a failure does not print two 2,500-line texts.
  t.ok(committed === formatOpenApiDocument(document),
    'openapi.json matches GET /openapi.json; if not, run `npm run openapi` (tsx scripts/openapi.ts) and commit openapi.json')
})

t.test('scripts/openapi.ts --check', async (t) => {
  const current = await runScript(['--check'])
  t.equal(current.code, 0, `passes on the committed file: ${current.output}`)

  const dir = await mkdtemp(join(tmpdir(), 'openapi-check-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  const stale = join(dir, 'stale.json')
  const staleText = formatOpenApiDocument({ ...document, openapi: '3.0.3' })
  await writeFile(stale, staleText)
  const failed = await runScript(['--check', stale])
  t.equal(failed.code, 1, 'exits 1 on a stale file')
  t.match(failed.output, /stale\.json is stale/, 'names the file')
  t.equal(await readFile(stale, 'utf8'), staleText, 'leaves the file as it was')

  const missing = await runScript(['--check', join(dir, 'missing.json')])
  t.equal(missing.code, 1, 'exits 1 on a missing file')
  t.match(missing.output, /missing\.json is missing/)
})

t.test('GET /docs serves Swagger UI from the package', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '')
  t.ok(sources.length > 0, 'the page loads assets')
  for (const source of sources) {
    t.notMatch(source, /^(?:[a-z]+:)?\/\//i, `${source} is served by the app, not a CDN`)
    const asset = await app.inject({ method: 'GET', url: new URL(source, 'http://localhost/docs').pathname })
    t.equal(asset.statusCode, 200, `${source} is served`)
  }
  const spec = await app.inject({ method: 'GET', url: '/docs/json' })
  t.same(spec.json(), document, 'the page reads the same document')
})
