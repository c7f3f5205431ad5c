export { ConfigSchema, type Config } from './schema.js'
export { ConfigError, loadConfig, type LoadConfigOptions } from './load.js'
