// Runs the pgtyped CLI and turns its console output into one event per SQL
// file. pgtyped (2.4) exits 0 even when a query is invalid and prints its
// errors as free text, so scripts/gen.ts and scripts/dev.ts read them here.

import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root: the folder holding queries/, generated/ and schema.sql. */
export const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))))

/** The project's pgtyped config, relative to the project root. */
export const CONFIG_PATH = 'pgtyped.config.json'

/** pgtyped's result for one SQL file. Paths are relative to the project root. */
export type PgtypedEvent =
  | { kind: 'saved', file: string, output: string, queryCount: number }
  | { kind: 'unchanged', file: string }
  | { kind: 'failed', file: string, errors: string[] }

export interface PgtypedOptions {
  /** Database with the schema that the queries are checked against. */
  connectionString: string
  /** pgtyped config file, relative to the project root or absolute. */
  configPath: string
  /** Keep running and regenerate each SQL file when it changes. */
  watch?: boolean
}

/**
 * Starts the pgtyped CLI in the project root. The URL travels in the
 * environment, where pgtyped reads DATABASE_URL, because command lines are
 * visible to every local user.
 */
export function spawnPgtyped (options: PgtypedOptions): ChildProcess {
  const bin = join(root, 'node_modules', '.bin', 'pgtyped')
  const args = ['--config', options.configPath, ...(options.watch === true ? ['--watch'] : [])]
  return spawn(bin, args, {
    cwd: root,
    env: { ...process.env, DATABASE_URL: options.connectionString },
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

interface QueryLocation {
  file: string
  line: number
  name: string
}

/** Converts a query name to the form pgtyped prints (`broken_query` and `brokenQuery` both print as BrokenQuery). */
function normalizeName (name: string): string {
  return name.replace(/_/g, '').toLowerCase()
}

/** Finds the `@name` annotation of a query in one SQL file, or returns undefined. */
function findQueryInFile (file: string, printedName: string): QueryLocation | undefined {
  let text: string
  try {
    text = readFileSync(join(root, file), 'utf8')
  } catch {
    return undefined
  }
  for (const [index, line] of text.split('\n').entries()) {
    const annotation = /@name\s+(\w+)/.exec(line)
    if (annotation?.[1] !== undefined && normalizeName(annotation[1]) === normalizeName(printedName)) {
      return { file, line: index + 1, name: annotation[1] }
    }
  }
  return undefined
}

/** Finds a query by name in every file under queries/, for messages that name no file. */
function findQueryInProject (printedName: string): QueryLocation | undefined {
  for (const name of readdirSync(join(root, 'queries')).sort()) {
    if (name.endsWith('.sql')) {
      const location = findQueryInFile(`queries/${name}`, printedName)
      if (location !== undefined) {
        return location
      }
    }
  }
  return undefined
}

/**
 * Reads pgtyped's stdout and stderr one line at a time and returns an event
 * when a line completes the report on a file. A file's parse errors and its
 * "Skipped" line arrive on stdout, and a query's database error and its
 * "Error processing" line on stderr. A query with an unnamed column is
 * reported on stderr, and the "Saved" line of its file follows on stdout.
 *
 * Each error reads `file:line: query name: message`, where the line is the
 * query's `@name` annotation.
 */
export class PgtypedOutputParser {
  #parseErrors: string[] = []
  #databaseMessage: string | undefined
  #databaseHint: string | undefined
  /** Files that pgtyped wrote with `never` types for a query with an unnamed column. */
  readonly #unnamedColumnErrors = new Map<string, string[]>()

  push (line: string): PgtypedEvent | undefined {
    const parseError = /^- \((\d+):\d+\) (.*)$/.exec(line)
    if (parseError !== null) {
      this.#parseErrors.push(`${parseError[1]}: ${parseError[2]}`)
      return undefined
    }

    const saved = /^Saved (\d+) query types from (\S+) to (\S+)$/.exec(line)
    if (saved?.[1] !== undefined && saved[2] !== undefined && saved[3] !== undefined) {
      const errors = this.#takeFileErrors(saved[2])
      if (errors.length > 0) {
        return { kind: 'failed', file: saved[2], errors }
      }
      return { kind: 'saved', file: saved[2], output: saved[3], queryCount: Number(saved[1]) }
    }

    const skipped = /^Skipped (\S+?): /.exec(line)
    if (skipped?.[1] !== undefined) {
      const errors = this.#takeFileErrors(skipped[1])
      if (errors.length > 0) {
        return { kind: 'failed', file: skipped[1], errors }
      }
      return { kind: 'unchanged', file: skipped[1] }
    }

    // util.inspect quotes with ', or with " or ` when the text has quotes.
    const message = /^\s+message: (['"`])(.*)\1,?$/.exec(line)
    if (message?.[2] !== undefined) {
      this.#databaseMessage = message[2]
      return undefined
    }
    const hint = /^\s+hint: (['"`])(.*)\1,?$/.exec(line)
    if (hint?.[2] !== undefined) {
      this.#databaseHint = hint[2]
      return undefined
    }

    const unnamed = /^Query '(\w+)' is invalid\. Query contains an anonymous column/.exec(line)
    if (unnamed?.[1] !== undefined) {
      const location = findQueryInProject(unnamed[1])
      const file = location?.file ?? '(unknown file)'
      const errors = this.#unnamedColumnErrors.get(file) ?? []
      errors.push(`${file}:${location?.line ?? 0}: query ${location?.name ?? unnamed[1]}: ` +
        'a result column has no name; give it one with AS')
      this.#unnamedColumnErrors.set(file, errors)
      return undefined
    }

    const invalid = /^Error processing (\S+): Query "(\w+)" is invalid/.exec(line)
    if (invalid?.[1] !== undefined && invalid[2] !== undefined) {
      const file = invalid[1]
      const query = findQueryInFile(file, invalid[2]) ?? { line: 0, name: invalid[2] }
      const detail = (this.#databaseMessage ?? 'invalid query') +
        (this.#databaseHint === undefined ? '' : ` (${this.#databaseHint})`)
      this.#databaseMessage = undefined
      this.#databaseHint = undefined
      return { kind: 'failed', file, errors: [`${file}:${query.line}: query ${query.name}: ${detail}`] }
    }

    const otherFailure = /^Error processing (\S+): (.*)$/.exec(line)
    if (otherFailure?.[1] !== undefined && otherFailure[2] !== undefined) {
      return { kind: 'failed', file: otherFailure[1], errors: [`${otherFailure[1]}: ${otherFailure[2]}`] }
    }
    return undefined
  }

  /** Returns errors still held at the end of the output, which no file line claimed. */
  finish (): string[] {
    const errors = [
      ...this.#parseErrors.map((error) => `(unknown file):${error}`),
      ...[...this.#unnamedColumnErrors.values()].flat()
    ]
    this.#parseErrors = []
    this.#unnamedColumnErrors.clear()
    return errors
  }

  #takeFileErrors (file: string): string[] {
    const errors = [
      ...this.#parseErrors.map((error) => `${file}:${error}`),
      ...(this.#unnamedColumnErrors.get(file) ?? [])
    ]
    this.#parseErrors = []
    this.#unnamedColumnErrors.delete(file)
    return errors
  }
}

/**
 * Calls `onLine` with each complete line of a stream, and with the last
 * unterminated line when the stream ends.
 */
export function forEachLine (stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      onLine(line)
    }
  })
  stream.on('end', () => {
    if (pending !== '') {
      onLine(pending)
    }
  })
}

export interface GenerateResult {
  events: PgtypedEvent[]
  /** Every error of every file, as `file:line: query name: message`. */
  errors: string[]
  exitCode: number
  /** pgtyped's stdout and stderr, line by line as they arrived. */
  output: string
}

/** Runs pgtyped once over every SQL file with the config at `configPath`. */
export async function generateOnce (connectionString: string, configPath: string): Promise<GenerateResult> {
  const child = spawnPgtyped({ connectionString, configPath })
  const parser = new PgtypedOutputParser()
  const events: PgtypedEvent[] = []
  let output = ''
  const onLine = (line: string): void => {
    output += line + '\n'
    const event = parser.push(line)
    if (event !== undefined) {
      events.push(event)
    }
  }
  if (child.stdout !== null && child.stderr !== null) {
    forEachLine(child.stdout, onLine)
    forEachLine(child.stderr, onLine)
  }
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)))
  const errors = [
    ...events.flatMap((event) => event.kind === 'failed' ? event.errors : []),
    ...parser.finish()
  ]
  return { events, errors, exitCode, output }
}

/**
 * Writes a copy of the project's pgtyped config into `dir` that emits the
 * generated files into `dir`, and returns its path.
 */
export async function writeConfigInto (dir: string): Promise<string> {
  const config = JSON.parse(await readFile(join(root, CONFIG_PATH), 'utf8')) as {
    transforms: Array<{ emitTemplate?: string }>
  }
  for (const transform of config.transforms) {
    if (transform.emitTemplate !== undefined) {
      transform.emitTemplate = join(dir, basename(transform.emitTemplate))
    }
  }
  const path = join(dir, 'pgtyped.config.json')
  await writeFile(path, JSON.stringify(config, null, 2))
  return path
}
