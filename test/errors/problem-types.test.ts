import { readFile } from 'node:fs/promises'
import t from 'tap'
import { PROBLEM_TYPES, problemBody } from '../../src/errors/problem.js'

t.test('docs list every problem type', async (t) => {
  const doc = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  const documented = [...doc.matchAll(/^\| `\/problems\/([a-z-]+)` \| (\d{3}) \|/gm)]
    .map(([, name, status]) => `${String(status)} ${String(name)}`)
    .sort()
  const emitted = Object.entries(PROBLEM_TYPES)
    .map(([status, type]) => `${status} ${type.name}`)
    .sort()
  t.same(documented, emitted, 'docs/errors.md and PROBLEM_TYPES agree')
})

t.test('problemBody uses the type for its status', async (t) => {
  t.same(problemBody(404, 'gone'), { type: '/problems/not-found', title: 'Not found', status: 404, detail: 'gone' })
  t.equal(problemBody(418, 'x').type, 'about:blank', 'unlisted status is about:blank')
  t.equal(problemBody(418, 'x').title, "I'm a Teapot", 'with the HTTP status text as title')
})
