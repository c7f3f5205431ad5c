import { spawnSync } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { findFreePort } from '../src/db/embedded.js'
import type { ChildContext } from './ceilings.js'
import { Child, waitForHttp } from './processes.js'

/** Compiles src/ and generated/ to dist/, as `npm run build` does. */
export function buildService (root: string): void {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    throw new Error(`npm run build failed with exit code ${String(result.status)}`)
  }
}

export interface ServiceSettings {
  /** Names the log file, and the process in error messages. */
  name: string
  connectionString: string
  poolMax: number
  logLevel: string
  /** Variables that override the ones above. */
  overrides: Record<string, string>
  /** Folder for a CPU profile, written when the service exits; undefined for none. */
  profileDir: string | undefined
}

export interface RunningService {
  child: Child
  url: string
  /** The service's stdout: its JSON log lines. */
  logFile: string
}

/**
 * Starts `node dist/src/server.js` as production runs it, on a free port,
 * and waits until /readyz returns 200. Its log lines go to a file, as
 * they would go to a log collector, so the harness spends no CPU time
 * on them. It runs in `workDir`, where no `.env` file can change its
 * settings.
 */
export async function startService (context: ChildContext, settings: ServiceSettings): Promise<RunningService> {
  const port = await findFreePort()
  const logFile = join(context.workDir, `${settings.name}.log`)
  const log = openSync(logFile, 'w')
  const profile = settings.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`]
  let child: Child
  try {
    child = new Child(settings.name, process.execPath, [...profile, join(context.root, 'dist', 'src', 'server.js')], {
      cwd: context.workDir,
      env: {
        ...context.baseEnv,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: settings.logLevel,
        LOG_PRETTY: 'false',
        DATABASE_URL: settings.connectionString,
        DATABASE_POOL_MAX: String(settings.poolMax),
        ...settings.overrides
      },
      stdio: ['ignore', log, 'pipe']
    })
  } finally {
    // The child has its own copy of the descriptor.
    closeSync(log)
  }
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(`${url}/readyz`, 200, child)
  return { child, url, logFile }
}
