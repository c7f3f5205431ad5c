// `just dev`: runs the service with the SQL-first loop.
//
// - Saving a file under queries/ regenerates its types with pgtyped and
//   reloads the service. A query that fails to compile is logged with its
//   file, line, name and the database's message, and the service keeps
//   running the code it had.
// - Saving schema.sql rebuilds the development database from it (when
//   `just dev` manages that database), regenerates every query's types and
//   reloads the service. A schema.sql that fails to apply, or that breaks a
//   query, is logged, and the database and service stay as they were.
// - Saving a source file under src/ reloads the service.
// - The TypeScript compiler runs in watch mode beside it and logs every
//   place a change breaks.
// Each of these logs one line, with the time it took.
//
// The database: DATABASE_URL when set, else embedded Postgres in
// EMBEDDED_POSTGRES_DIR. `just dev` rebuilds only a database it manages:
// embedded Postgres, or the dev stack's Postgres, which the justfile marks
// with DEV_DATABASE_MANAGED=true.

import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import chokidar, { type FSWatcher } from 'chokidar'
import closeWithGrace from 'close-with-grace'
import { pino, type Logger } from 'pino'
import { loadConfigOrExit, type Config } from '../src/config/index.js'
import type { RunningPostgres } from '../src/db/embedded.js'
import { describeDatabase } from '../src/db/pool.js'
import { SchemaError } from '../src/db/schema-file.js'
import { loggerOptions } from '../src/logger.js'
import { generateOnce, root, writeConfigInto } from './codegen/pgtyped.js'
import { PgtypedWatcher, ServiceProcess, TypeChecker, type TimedPgtypedEvent } from './dev/children.js'
import { prepareRebuild, readFingerprint, readSchemaFile, writeFingerprint, type PreparedRebuild } from './dev/database.js'

/** Maximum wait for pgtyped's pass over every SQL file. */
const GENERATE_TIMEOUT_MS = 60_000

/** Quiet period after a change before `just dev` acts on it, so a save that touches a file several times acts once. */
const SETTLE_MS = 100

/** Files under src/ whose change reloads the service; editors' swap and backup files are not among them. */
const SOURCE_FILE = /\.(ts|mts|cts|js|mjs|cjs|json)$/

interface DevDatabase {
  connectionString: string
  /** True when `just dev` may drop and rebuild the database from schema.sql. */
  managed: boolean
  embedded: RunningPostgres | undefined
}

async function openDatabase (config: Config, log: Logger): Promise<DevDatabase> {
  if (config.DATABASE_URL !== undefined) {
    const managed = process.env.DEV_DATABASE_MANAGED === 'true'
    log.info({ database: describeDatabase(config.DATABASE_URL), managed }, managed
      ? 'using the dev stack database; saving schema.sql rebuilds it'
      : 'using DATABASE_URL; saving schema.sql does not rebuild it')
    return { connectionString: config.DATABASE_URL, managed, embedded: undefined }
  }
  const { startEmbeddedPostgres } = await import('../src/db/embedded.js')
  const embedded = await startEmbeddedPostgres({ dir: config.EMBEDDED_POSTGRES_DIR, port: config.EMBEDDED_POSTGRES_PORT })
  log.info({ dir: config.EMBEDDED_POSTGRES_DIR, port: config.EMBEDDED_POSTGRES_PORT, created: embedded.created },
    'using embedded Postgres; saving schema.sql rebuilds it')
  return { connectionString: embedded.connectionString, managed: true, embedded }
}

/** Paths of the SQL files under queries/, subfolders included, relative to the project root. */
async function queryFiles (): Promise<string[]> {
  const paths = await readdir(join(root, 'queries'), { recursive: true })
  return paths.filter((path) => path.endsWith('.sql')).sort().map((path) => `queries/${path}`)
}

/** Resolves when nothing listens on `host`:`port`; rejects with the listen error otherwise. */
async function assertPortFree (host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()))
  })
}

/** Logs each failed file's errors, one line per error; returns how many files failed. */
function logFailures (log: Logger, results: TimedPgtypedEvent[]): number {
  let failed = 0
  for (const { event } of results) {
    if (event.kind === 'failed') {
      failed += 1
      for (const error of event.errors) {
        log.error({ file: event.file, error }, `query failed to compile: ${error}`)
      }
    }
  }
  return failed
}

/**
 * Runs one task at a time in arrival order, so a reload never overlaps a
 * rebuild. A task that fails is logged and the queue goes on.
 */
class TaskQueue {
  #tail: Promise<void> = Promise.resolve()
  constructor (private readonly log: Logger) {}

  push (name: string, task: () => Promise<void>): Promise<void> {
    this.#tail = this.#tail.then(task).catch((error: unknown) => {
      this.log.error({ err: error, task: name }, `${name} failed`)
    })
    return this.#tail
  }
}

/**
 * Compiles every query against the new database of a rebuild, writing the
 * output to a temporary folder, and returns the errors. An empty list means
 * the new schema keeps every query valid.
 */
async function checkQueriesAgainst (connectionString: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'authors-dev-check-'))
  try {
    const result = await generateOnce(connectionString, await writeConfigInto(dir))
    if (result.exitCode !== 0 && result.errors.length === 0) {
      return [`pgtyped exited with code ${result.exitCode}:\n${result.output}`]
    }
    return result.errors
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function main (): Promise<void> {
  const config = loadConfigOrExit()
  const log = pino({ ...(loggerOptions(config) as pino.LoggerOptions), name: 'dev' })

  const readyHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST
  try {
    await assertPortFree(config.HOST, config.PORT)
  } catch (error) {
    log.fatal({ err: error, host: config.HOST, port: config.PORT },
      `cannot listen on ${config.HOST}:${config.PORT}: ${(error as Error).message}; stop the other process or set PORT`)
    process.exit(1)
  }

  const queue = new TaskQueue(log)
  const pgtyped = new PgtypedWatcher(log)
  const typeChecker = new TypeChecker(({ errors, durationMs }) => {
    if (errors.length === 0) {
      log.info({ durationMs }, 'type check passed')
      return
    }
    log.warn({ durationMs, errors }, `type check found ${errors.length} error${errors.length === 1 ? '' : 's'}:\n  ${errors.join('\n  ')}`)
  })
  const watchers: FSWatcher[] = []
  const running: { service?: ServiceProcess } = {}
  let database: DevDatabase
  const opening = openDatabase(config, log)

  // Registered before anything starts, so a signal at any point stops every
  // child process and embedded Postgres, even one still starting.
  closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS + 10_000, logger: false }, async ({ signal, err }) => {
    if (err !== undefined) {
      log.fatal({ err }, 'unexpected error, stopping')
    } else {
      log.info({ signal }, 'stopping')
    }
    await Promise.all(watchers.map(async (watcher) => { await watcher.close() }))
    await Promise.all([running.service?.close(), pgtyped.close(), typeChecker.stop()])
    const opened = await opening.catch(() => undefined)
    await opened?.embedded?.stop()
    log.info('stopped')
  })

  try {
    database = await opening
  } catch (error) {
    log.fatal({ err: error }, `the development database did not start: ${(error as Error).message}`)
    process.exit(1)
  }
  const { connectionString, managed } = database

  const current = new ServiceProcess(
    { ...process.env, DATABASE_URL: connectionString },
    `http://${readyHost.includes(':') ? `[${readyHost}]` : readyHost}:${config.PORT}/readyz`,
    config.DATABASE_STARTUP_TIMEOUT_MS + 30_000,
    (code, signal) => {
      log.error({ code, signal }, `the service exited with ${signal ?? `code ${String(code)}`}; it starts again on the next change`)
    }
  )
  running.service = current

  /** Restarts the service; returns the milliseconds until it was ready again. */
  const reload = async (): Promise<number | undefined> => {
    const started = Date.now()
    await current.stop()
    const result = await current.start()
    if (!result.ready) {
      log.error({ reason: result.reason }, `the service did not start: ${result.reason}; it starts again on the next change`)
      return undefined
    }
    return Date.now() - started
  }

  /**
   * Starts pgtyped, which generates every query file against the current
   * database first; returns those results. The per-file handler below
   * ignores them, because the caller reloads once for all of them.
   */
  let generatingAll = false
  const generateAll = async (): Promise<TimedPgtypedEvent[]> => {
    const files = await queryFiles()
    generatingAll = true
    try {
      // A pgtyped still running on the old database would keep running untracked.
      await pgtyped.stop()
      const waiting = pgtyped.waitForFiles(files, GENERATE_TIMEOUT_MS)
      pgtyped.start(connectionString)
      return await waiting
    } finally {
      generatingAll = false
    }
  }

  /** Rebuilds the database from schema.sql; returns false when nothing changed. */
  const rebuild = async (reason: string): Promise<boolean> => {
    const started = Date.now()
    const schema = await readSchemaFile()
    if (reason === 'schema.sql' && await readFingerprint(connectionString) === schema.sha256) {
      log.info({ file: 'schema.sql' }, 'schema.sql: content unchanged, no rebuild')
      return false
    }

    let prepared: PreparedRebuild
    try {
      prepared = await prepareRebuild(connectionString, schema)
    } catch (error) {
      if (error instanceof SchemaError) {
        log.error({ file: 'schema.sql', error: error.message },
          `schema.sql failed to apply: ${error.message}; the database and the service are unchanged`)
        return false
      }
      throw error
    }

    const queryErrors = await checkQueriesAgainst(prepared.connectionString)
    if (queryErrors.length > 0) {
      await prepared.discard()
      for (const error of queryErrors) {
        log.error({ file: 'schema.sql', error }, `schema.sql breaks a query: ${error}; the database and the service are unchanged`)
      }
      return false
    }

    await current.stop()
    await pgtyped.stop()
    await prepared.swap()
    const rebuildMs = Date.now() - started

    const generateStarted = Date.now()
    const results = await generateAll()
    const generateMs = Date.now() - generateStarted
    const failed = logFailures(log, results)
    const reloadMs = await reload()
    const regenerated = results.filter(({ event }) => event.kind === 'saved').map(({ event }) => event.file)
    log.info({ rebuildMs, generateMs, reloadMs, totalMs: Date.now() - started, regenerated, failed },
      `${reason}: rebuilt the database in ${rebuildMs} ms, regenerated ${regenerated.length} of ${results.length} query files` +
      ` in ${generateMs} ms${failed > 0 ? ` (${failed} failed)` : ''}` +
      (reloadMs === undefined ? '' : `, service ready in ${reloadMs} ms`))
    return true
  }

  // Start-up: bring the database in line with schema.sql, generate, start.
  let rebuildAtStart = false
  if (managed) {
    const schema = await readSchemaFile()
    const recorded = await readFingerprint(connectionString)
    if (recorded === undefined) {
      // `npm start` and the dev stack's init scripts build a new database
      // from schema.sql as it is then. Record that instead of dropping
      // its data.
      await writeFingerprint(connectionString, schema.sha256)
    } else {
      rebuildAtStart = recorded !== schema.sha256
    }
  }
  await queue.push('start', async () => {
    const started = Date.now()
    const rebuilt = rebuildAtStart && await rebuild('schema.sql changed since the last run')
    if (!rebuilt) {
      const results = await generateAll()
      logFailures(log, results)
      await reload()
    }
    log.info({ totalMs: Date.now() - started, pid: current.pid },
      `service ready in ${Date.now() - started} ms; watching queries/, schema.sql and src/`)
  })

  // Saves that arrive while a reload waits in the queue share that reload,
  // so a burst of saves reloads once, not once per save.
  let pendingReports: Array<(reloadMs: number | undefined) => void> = []
  const queueReload = (report: (reloadMs: number | undefined) => void): void => {
    pendingReports.push(report)
    if (pendingReports.length > 1) {
      return
    }
    void queue.push('reload', async () => {
      const reports = pendingReports
      pendingReports = []
      const reloadMs = await reload()
      for (const each of reports) {
        each(reloadMs)
      }
    })
  }

  pgtyped.subscribe((timed) => {
    const { event } = timed
    if (generatingAll) {
      return
    }
    if (event.kind === 'failed') {
      for (const error of event.errors) {
        log.error({ file: event.file, error, generateMs: timed.generateMs },
          `${error}; the service keeps running the previous version`)
      }
      return
    }
    if (event.kind === 'unchanged') {
      log.info({ file: event.file, generateMs: timed.generateMs }, `${event.file}: types unchanged, no reload`)
      return
    }
    queueReload((reloadMs) => {
      const sinceSaveMs = Math.round(Date.now() - timed.savedAt)
      log.info({ file: event.file, output: event.output, queries: event.queryCount, generateMs: timed.generateMs, reloadMs, sinceSaveMs },
        `${event.file}: regenerated ${event.output} in ${timed.generateMs} ms` +
        (reloadMs === undefined ? '' : `, service ready in ${reloadMs} ms (${sinceSaveMs} ms after the save)`))
    })
  })

  typeChecker.start()

  // chokidar follows a file that an editor saves by writing a new file and
  // renaming it over the old one. Every change waits for SETTLE_MS of quiet.
  let schemaTimer: NodeJS.Timeout | undefined
  const schemaWatcher = chokidar.watch('schema.sql', { cwd: root, ignoreInitial: true })
  watchers.push(schemaWatcher)
  schemaWatcher.on('all', () => {
    clearTimeout(schemaTimer)
    schemaTimer = setTimeout(() => {
      if (!existsSync(join(root, 'schema.sql'))) {
        log.warn('schema.sql was deleted; the database is left as it is')
        return
      }
      if (!managed) {
        log.warn('schema.sql changed, but DATABASE_URL names a database `just dev` does not manage, so it is not rebuilt; ' +
          'apply the change to it yourself')
        return
      }
      void queue.push('rebuild', async () => { await rebuild('schema.sql') })
    }, SETTLE_MS)
  })

  let sourceTimer: NodeJS.Timeout | undefined
  const changedSources = new Set<string>()
  const sourceWatcher = chokidar.watch('src', { cwd: root, ignoreInitial: true })
  watchers.push(sourceWatcher)
  sourceWatcher.on('all', (_event, path) => {
    if (!SOURCE_FILE.test(path)) {
      return
    }
    changedSources.add(path)
    clearTimeout(sourceTimer)
    sourceTimer = setTimeout(() => {
      const files = [...changedSources].sort()
      changedSources.clear()
      queueReload((reloadMs) => {
        if (reloadMs !== undefined) {
          log.info({ files, reloadMs }, `${files.join(', ')} changed: service ready in ${reloadMs} ms`)
        }
      })
    }, SETTLE_MS)
  })

  const queryWatcher = chokidar.watch('queries', { cwd: root, ignoreInitial: true })
  watchers.push(queryWatcher)
  queryWatcher.on('unlink', (path) => {
    if (path.endsWith('.sql')) {
      log.warn({ file: path }, `${path} was deleted; its generated file stays until \`just gen\` removes it`)
    }
  })
}

await main()
