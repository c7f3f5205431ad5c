import { envSchema } from 'env-schema'
import { ConfigSchema, type Config } from './schema.js'

/** Invalid or missing configuration; the message names each variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

interface AjvError {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

export interface LoadConfigOptions {
  /** Variables to read instead of `process.env` and `.env`, for tests. */
  env?: Record<string, string | undefined>
}

/**
 * Reads and validates the configuration from `process.env` and `.env`
 * (process variables win), or from `options.env` alone when given.
 * Throws ConfigError naming every invalid variable. Messages never echo a
 * value, so a password in DATABASE_URL cannot leak through them.
 */
export function loadConfig (options: LoadConfigOptions = {}): Config {
  let config: Config
  try {
    config = envSchema<Config>({
      // env-schema mutates the schema it is given, so pass a copy.
      schema: structuredClone(ConfigSchema),
      data: options.env ?? {},
      env: options.env === undefined,
      dotenv: options.env === undefined
    })
  } catch (error) {
    throw new ConfigError(describeErrors(error))
  }

  if (config.DATABASE_URL !== undefined && !isUsableDatabaseUrl(config.DATABASE_URL)) {
    throw new ConfigError('Invalid configuration: DATABASE_URL must be a URL such as postgres://user:password@host:5432/database')
  }
  if (config.NODE_ENV === 'production' && config.DATABASE_URL === undefined) {
    throw new ConfigError('Invalid configuration: DATABASE_URL is required when NODE_ENV is production')
  }
  return config
}

/**
 * Loads the configuration as loadConfig does. On invalid configuration it
 * prints the message to stderr and exits the process with code 1.
 */
export function loadConfigOrExit (): Config {
  try {
    return loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
}

function isUsableDatabaseUrl (value: string): boolean {
  try {
    return new URL(value).hostname !== ''
  } catch {
    return false
  }
}

function describeErrors (error: unknown): string {
  const errors = (error as { errors?: AjvError[] }).errors
  if (errors === undefined) {
    return `Invalid configuration: ${(error as Error).message}`
  }
  const lines = errors.map((item) => {
    if (item.keyword === 'required') {
      return `${String(item.params.missingProperty)} is required`
    }
    const variable = item.instancePath.replace(/^\//, '').split('/')[0]
    const allowed = item.params.allowedValues
    if (Array.isArray(allowed)) {
      return `${variable} must be one of ${allowed.join(', ')}`
    }
    return `${variable} ${item.message ?? 'is invalid'}`
  })
  return `Invalid configuration: ${[...new Set(lines)].join('; ')}`
}
