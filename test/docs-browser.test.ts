// Opens /docs in a real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) against the app listening on a free loopback
// port: the page must list every route and send a request with
// "Try it out" -> "Execute". Skips when Chromium is not installed; it never
// installs anything itself.

import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { chromium } from 'playwright-core'
import t, { type Test } from 'tap'
import { buildAppWithRoutes, isDocumented } from './helpers/routes.js'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]
const TIMEOUT_MS = 30_000

const TEST_NAME = 'Swagger UI at /docs in headless Chromium'

async function run (t: Test): Promise<void> {
  const built = await buildAppWithRoutes(t)
  const app = built.app
  const routes = new Set([...built.routes].filter(isDocumented))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  const author = await app.inject({
    method: 'POST',
    url: '/authors',
    payload: { name: 'Octavia E. Butler', bio: 'Wrote Kindred.' }
  })
  t.equal(author.statusCode, 201, 'an author to list')

  // Playwright passes the profile folder as --user-data-dir itself and
  // refuses the flag in args.
  const profile = await mkdtemp(join(tmpdir(), 'docs-browser-'))
  t.teardown(async () => { await rm(profile, { recursive: true, force: true }) })
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: TIMEOUT_MS
  })
  t.teardown(async () => { await context.close() })
  context.setDefaultTimeout(TIMEOUT_MS)

  // Everything the page loads must come from the app: no CDN, no validator badge.
  const outside: string[] = []
  await context.route('**/*', async (route) => {
    const url = route.request().url()
    if (url.startsWith(`${origin}/`) || url.startsWith('data:')) {
      await route.continue()
      return
    }
    outside.push(url)
    await route.abort()
  })

  const page = context.pages()[0] ?? await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (error) => { pageErrors.push(error.message) })

  const loaded = await page.goto(`${origin}/docs`)
  t.equal(loaded?.status(), 200, 'GET /docs', { body: await loaded?.text(), outside })
  await page.locator('.opblock').first().waitFor()

  const listed = new Set(await page.locator('.opblock').evaluateAll((blocks) => blocks.map((block) => {
    const method = block.querySelector('.opblock-summary-method')?.textContent ?? ''
    const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''
    return `${method.trim().toUpperCase()} ${path}`
  })))
  t.ok(routes.has('GET /authors') && routes.has('DELETE /books/{id}'), 'the routes were collected')
  for (const key of routes) {
    t.ok(listed.has(key), `the page lists ${key}`)
  }
  for (const key of listed) {
    t.ok(routes.has(key), `${key} on the page is a route of the app`)
  }

  // Try it out -> Execute on GET /authors.
  const operation = page.locator('.opblock').filter({
    has: page.locator('.opblock-summary-path[data-path="/authors"]')
  }).filter({
    has: page.locator('.opblock-summary-method', { hasText: /^GET$/ })
  })
  t.equal(await operation.count(), 1, 'one GET /authors block')
  await operation.locator('.opblock-summary').click()
  await operation.getByRole('button', { name: 'Try it out' }).click()
  const sent = page.waitForResponse((response) =>
    new URL(response.url()).pathname === '/authors' && response.request().method() === 'GET')
  await operation.getByRole('button', { name: 'Execute' }).click()
  const reply = await sent
  t.equal(reply.status(), 200, 'the browser got 200 from GET /authors')

  // The "Server response" table: a header row, then the response's row.
  const shown = operation.locator('.live-responses-table tr.response')
  await shown.waitFor()
  t.equal((await shown.locator('.response-col_status').textContent())?.trim(), '200', 'the page shows response code 200')
  t.match(await shown.locator('.response-col_description').textContent(), /Octavia E\. Butler/, 'the page shows the response body')

  t.same(outside, [], 'the page requested nothing outside the app')
  t.same(pageErrors, [], 'no script errors on the page')
}

if (existsSync(CHROMIUM)) {
  t.test(TEST_NAME, run)
} else {
  t.skip(`${TEST_NAME}: ${CHROMIUM} is not installed; run \`apt-get install -y chromium\``, run)
}
