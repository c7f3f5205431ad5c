import { parseArgs } from 'node:util'
import { ConfigSchema } from '../src/config/schema.js'
import { SCENARIO_NAMES, type ScenarioName } from './scenarios.js'

export type StatementMode = 'named' | 'unnamed'

export interface BenchOptions {
  smoke: boolean
  /** Measured seconds of each kind of run (the service and each ceiling) per scenario. */
  durationS: number
  /** Approximate seconds per slice: the kinds of run take turns in slices of about this length. */
  sliceS: number
  /** Seconds of load before the measured slices, for each kind of run, not counted. */
  warmupS: number
  connections: number
  /** DATABASE_POOL_MAX of the service, and the pool size of the database ceiling. */
  poolMax: number
  logLevel: string
  authors: number
  books: number
  scenarios: ScenarioName[]
  /** Statement mode of the database ceiling: named (prepared) or unnamed. */
  ceilingStatements: StatementMode
  /** Seed into a DATABASE_URL whose authors table already has rows. */
  allowExistingData: boolean
  /**
   * Environment variables of a second service that runs in the same turns,
   * to compare a setting under the same background load; undefined for none.
   */
  compare: Record<string, string> | undefined
  /** Folder for a CPU profile of the service, or undefined for none. */
  profileDir: string | undefined
  /** File for the results as JSON, or undefined. */
  jsonFile: string | undefined
}

export const USAGE = `Usage: just bench [options]   (or npm run bench -- [options])

Builds the service, starts it on a Postgres that it seeds, and measures each
scenario against a database ceiling (the same SQL on a bare pg.Pool) and an
HTTP ceiling (a bare Fastify route returning a body of the same size). The
service and the ceilings take turns in short slices, so that other load on
the machine affects them alike.

Without DATABASE_URL it starts a throwaway embedded Postgres and deletes it
afterwards. With DATABASE_URL it writes the seed into that database, which
must have no authors unless --allow-existing-data is given.

Options:
  --smoke                  tiny seed and 1 s runs; exits 1 on any error or
                           unexpected status (for CI)
  --duration SECONDS       measured time of the service and of each ceiling, per
                           scenario (default 10; smoke 1)
  --slice SECONDS          approximate length of each turn (default 1); each
                           kind of run takes every place in the order equally often
  --warmup SECONDS         unmeasured load for each before the first turn
                           (default 2; smoke 0)
  --connections N          HTTP connections and database concurrency (default 50)
  --pool N                 DATABASE_POOL_MAX of the service and pool size of the
                           database ceiling (default: the service's, 10)
  --log-level LEVEL        LOG_LEVEL of the service (default info, as in production)
  --authors N              authors to seed (default 10000; smoke 200)
  --books N                books to seed (default 50000; smoke 1000); 0 skips get-book
  --scenario NAME          run only this scenario; repeat for several
                           (${SCENARIO_NAMES.join(', ')})
  --ceiling-statements M   named (default) or unnamed statements in the database ceiling
  --allow-existing-data    seed into a DATABASE_URL that already has authors
  --compare NAME=VALUE     also run a second service with this variable set, in
                           the same turns; repeat for several variables
                           (e.g. --compare LOG_LEVEL=warn)
  --profile DIR            write a CPU profile of the service to DIR and print its top functions
  --json FILE              write the results to FILE as JSON
  -h, --help               print this help
`

/** The service's own default for DATABASE_POOL_MAX. */
const DEFAULT_POOL_MAX = (ConfigSchema.properties.DATABASE_POOL_MAX as { default?: number }).default ?? 10

/** An invalid command line; the message names the option. */
export class UsageError extends Error {
  override name = 'UsageError'
}

function positiveNumber (name: string, text: string | undefined, fallback: number, integer = true): number {
  if (text === undefined) {
    return fallback
  }
  const value = Number(text)
  const valid = integer ? Number.isSafeInteger(value) && value > 0 : Number.isFinite(value) && value > 0
  if (!valid) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"`)
  }
  return value
}

function nonNegativeNumber (name: string, text: string | undefined, fallback: number, integer = false): number {
  if (text === undefined) {
    return fallback
  }
  const value = Number(text)
  const valid = integer ? Number.isSafeInteger(value) && value >= 0 : Number.isFinite(value) && value >= 0
  if (!valid) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'}, 0 or more, got "${text}"`)
  }
  return value
}

function scenarioNames (values: string[] | undefined): ScenarioName[] {
  if (values === undefined || values.length === 0) {
    return [...SCENARIO_NAMES]
  }
  for (const value of values) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(value)) {
      throw new UsageError(`--scenario must be one of ${SCENARIO_NAMES.join(', ')}, got "${value}"`)
    }
  }
  // Keep the standard order: the write scenario runs last.
  return SCENARIO_NAMES.filter((name) => values.includes(name))
}

/** Variables the harness sets itself for every service it starts. */
const FIXED_VARIABLES = new Set(['NODE_ENV', 'HOST', 'PORT', 'DATABASE_URL', 'LOG_PRETTY'])

function comparedSettings (values: string[] | undefined): Record<string, string> | undefined {
  if (values === undefined || values.length === 0) {
    return undefined
  }
  const settings: Record<string, string> = {}
  for (const value of values) {
    const separator = value.indexOf('=')
    const name = value.slice(0, separator)
    if (separator < 1 || !(name in ConfigSchema.properties) || FIXED_VARIABLES.has(name)) {
      throw new UsageError(
        `--compare must be NAME=VALUE with NAME a service variable other than ${[...FIXED_VARIABLES].join(', ')}, got "${value}"`
      )
    }
    settings[name] = value.slice(separator + 1)
  }
  return settings
}

/** Parses the command line; returns undefined when --help was given. */
export function parseOptions (args: string[]): BenchOptions | undefined {
  let parsed
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        smoke: { type: 'boolean', default: false },
        duration: { type: 'string' },
        slice: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        pool: { type: 'string' },
        'log-level': { type: 'string' },
        authors: { type: 'string' },
        books: { type: 'string' },
        scenario: { type: 'string', multiple: true },
        'ceiling-statements': { type: 'string' },
        'allow-existing-data': { type: 'boolean', default: false },
        compare: { type: 'string', multiple: true },
        profile: { type: 'string' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false }
      }
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const values = parsed.values
  if (values.help) {
    return undefined
  }

  const smoke = values.smoke
  const statements = values['ceiling-statements'] ?? 'named'
  if (statements !== 'named' && statements !== 'unnamed') {
    throw new UsageError(`--ceiling-statements must be named or unnamed, got "${statements}"`)
  }
  const levels = ConfigSchema.properties.LOG_LEVEL.enum as readonly string[]
  const logLevel = values['log-level'] ?? 'info'
  if (!levels.includes(logLevel)) {
    throw new UsageError(`--log-level must be one of ${levels.join(', ')}, got "${logLevel}"`)
  }

  return {
    smoke,
    durationS: positiveNumber('duration', values.duration, smoke ? 1 : 10, false),
    sliceS: positiveNumber('slice', values.slice, 1, false),
    warmupS: nonNegativeNumber('warmup', values.warmup, smoke ? 0 : 2),
    connections: positiveNumber('connections', values.connections, 50),
    poolMax: positiveNumber('pool', values.pool, DEFAULT_POOL_MAX),
    logLevel,
    authors: positiveNumber('authors', values.authors, smoke ? 200 : 10_000),
    books: nonNegativeNumber('books', values.books, smoke ? 1000 : 50_000, true),
    scenarios: scenarioNames(values.scenario),
    ceilingStatements: statements,
    allowExistingData: values['allow-existing-data'],
    compare: comparedSettings(values.compare),
    profileDir: values.profile,
    jsonFile: values.json
  }
}
