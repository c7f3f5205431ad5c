// Measures the SQL-first loop in a temporary copy of the project and prints
// a Markdown table, as quoted in the README:
//   1. `just gen` from cold (throwaway embedded Postgres, both query files);
//   2. one query's regeneration under `just dev` (pgtyped in watch mode);
//   3. the time from saving a query to the reloaded service accepting requests.
//
//   npx tsx scripts/measure-sql-loop.ts [--runs 10]
//
// `just dev` runs on its own embedded Postgres, on free ports. The copy and
// every process this script starts are removed before it exits.

import { spawn, type ChildProcess } from 'node:child_process'
import { cp, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { findFreePort } from '../src/db/embedded.js'
import { forEachLine, root } from './codegen/pgtyped.js'

const PROJECT_FILES = ['scripts', 'src', 'queries', 'generated', 'schema.sql', 'pgtyped.config.json', 'package.json', 'tsconfig.json']

/** Maximum wait for one log line of `just dev`. */
const LINE_TIMEOUT_MS = 60_000

async function copyProject (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'authors-measure-'))
  for (const name of PROJECT_FILES) {
    await cp(join(root, name), join(dir, name), { recursive: true })
  }
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return dir
}

function childEnv (extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'development', LOG_LEVEL: 'info' }
  for (const name of ['PATH', 'HOME', 'TMPDIR']) {
    if (process.env[name] !== undefined) {
      env[name] = process.env[name]
    }
  }
  return { ...env, ...extra }
}

async function timeColdGen (dir: string): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/gen.ts'], { cwd: dir, env: childEnv({}), stdio: 'ignore' })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code !== 0) {
    throw new Error(`scripts/gen.ts exited with code ${String(code)}`)
  }
  return performance.now() - started
}

interface Summary {
  median: number
  max: number
  min: number
}

function summarize (values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1
    ? sorted[middle] as number
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number }
}

/** `just dev` in `dir`, with a way to wait for its own log lines. */
class DevProcess {
  readonly child: ChildProcess
  readonly #lines: Array<Record<string, unknown>> = []
  #waiters: Array<() => void> = []

  constructor (dir: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] })
    if (this.child.stdout !== null) {
      forEachLine(this.child.stdout, (line) => {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>
          if (entry.name === 'dev') {
            this.#lines.push(entry)
            for (const waiter of this.#waiters) {
              waiter()
            }
          }
        } catch {
          // The service's own lines and non-JSON output are not needed here.
        }
      })
    }
  }

  get count (): number {
    return this.#lines.length
  }

  async waitFor (pattern: RegExp, skip: number): Promise<Record<string, unknown>> {
    return await new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.#lines.slice(skip).find((entry) => pattern.test(String(entry.msg)))
        if (found !== undefined) {
          clearTimeout(timer)
          this.#waiters = this.#waiters.filter((waiter) => waiter !== check)
          resolve(found)
        }
      }
      const timer = setTimeout(() => reject(new Error(`just dev logged no line matching ${String(pattern)} within ${LINE_TIMEOUT_MS} ms`)), LINE_TIMEOUT_MS)
      this.child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`just dev exited with code ${String(code)} before a line matching ${String(pattern)}`))
      })
      this.#waiters.push(check)
      check()
    })
  }

  async stop (): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const closed = new Promise((resolve) => this.child.once('close', resolve))
      this.child.kill('SIGTERM')
      await closed
    }
  }
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } })
  const runs = Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs must be a positive integer, got ${values.runs}`)
  }

  const dir = await copyProject()
  // A folder of its own: as root, Postgres runs as another user, which
  // cannot enter the copy's private temporary folder.
  const postgresDir = await mkdtemp(join(tmpdir(), 'authors-measure-pg-'))
  let dev: DevProcess | undefined
  try {
    const genTimes: number[] = []
    for (let run = 0; run < Math.min(runs, 5); run++) {
      genTimes.push(await timeColdGen(dir))
    }

    dev = new DevProcess(dir, childEnv({
      EMBEDDED_POSTGRES_DIR: postgresDir,
      EMBEDDED_POSTGRES_PORT: String(await findFreePort()),
      PORT: String(await findFreePort())
    }))
    await dev.waitFor(/^service ready in/, 0)
    // Let the first type check finish, as it would before a developer's first save.
    await dev.waitFor(/^type check/, 0)

    const queriesPath = join(dir, 'queries', 'authors.sql')
    const original = await readFile(queriesPath, 'utf8')
    const generateTimes: number[] = []
    const servedTimes: number[] = []
    for (let run = 0; run < runs; run++) {
      const skip = dev.count
      // Alternate between two versions so every save changes the generated file.
      const text = run % 2 === 0 ? original.replace('ORDER BY name, id', 'ORDER BY name ASC, id') : original
      await writeFile(`${queriesPath}.tmp`, text)
      await rename(`${queriesPath}.tmp`, queriesPath)
      const line = await dev.waitFor(/^queries\/authors\.sql: regenerated/, skip)
      generateTimes.push(Number(line.generateMs))
      servedTimes.push(Number(line.sinceSaveMs))
      // Leave time for the type check that each save starts.
      await sleep(4000)
    }

    const rows: Array<[string, Summary, number]> = [
      ['`just gen` from cold (throwaway embedded Postgres, all query files)', summarize(genTimes), genTimes.length],
      ['one query file regenerated by `just dev`', summarize(generateTimes), generateTimes.length],
      ['save of a query to the reloaded service ready', summarize(servedTimes), servedTimes.length]
    ]
    console.log('| step | median | min | max | runs |')
    console.log('|---|---|---|---|---|')
    for (const [step, summary, count] of rows) {
      console.log(`| ${step} | ${Math.round(summary.median)} ms | ${Math.round(summary.min)} ms | ${Math.round(summary.max)} ms | ${count} |`)
    }
  } finally {
    await dev?.stop()
    await rm(dir, { recursive: true, force: true })
    await rm(postgresDir, { recursive: true, force: true })
  }
}

await main()
