export { ConfigSchema, type Config } from './schema.js'
export { ConfigError, loadConfig, loadConfigOrExit, type LoadConfigOptions } from './load.js'
