import { spawn } from 'node:child_process'
import { delimiter, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root. */
export const root = fileURLToPath(new URL('../..', import.meta.url))

/** How long one generator run may take before it is killed and fails. */
const GEN_TIMEOUT_MS = 60_000

export { copyProject } from './project.js'

export interface GenResult {
  code: number | null
  stdout: string
  stderr: string
  /** stdout and stderr together. */
  output: string
}

/** Runs scripts/gen.ts with `args` in `dir` against `databaseUrl`; kills it by pid after GEN_TIMEOUT_MS. */
export async function runGen (dir: string, databaseUrl: string, args: string[] = []): Promise<GenResult> {
  const env: NodeJS.ProcessEnv = {
    // pgtyped's bin starts with `#!/usr/bin/env node`: this node comes first.
    PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
    DATABASE_URL: databaseUrl
  }
  for (const name of ['HOME', 'TMPDIR']) {
    if (process.env[name] !== undefined) {
      env[name] = process.env[name]
    }
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/gen.ts', ...args], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGKILL')
    }
  }, GEN_TIMEOUT_MS)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr, output: stdout + stderr }
}
