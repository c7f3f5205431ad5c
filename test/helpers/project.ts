import { spawn } from 'node:child_process'
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** What the code generator, the SQL lint and `just dev` read or write; node_modules is linked, not copied. */
const PROJECT_FILES = [
  '.squawk.toml',
  'scripts',
  'src',
  'queries',
  'generated',
  'schema.sql',
  'pgtyped.config.json',
  'package.json',
  'tsconfig.json'
]

/** Copies the project into a temporary folder removed when `t` ends, and returns its path. */
export async function copyProject (t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'authors-project-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  for (const name of PROJECT_FILES) {
    await cp(join(root, name), join(dir, name), { recursive: true })
  }
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return dir
}

/** How long one script run may take before it is killed and fails. */
const SCRIPT_TIMEOUT_MS = 60_000

export interface ScriptResult {
  code: number | null
  stdout: string
  stderr: string
  /** stdout and stderr together. */
  output: string
}

/**
 * Runs a TypeScript script of the project under tsx in `dir`, with only
 * PATH, HOME, TMPDIR and `vars` in its environment, and kills it by pid
 * after SCRIPT_TIMEOUT_MS.
 */
export async function runScript (dir: string, script: string, args: string[] = [], vars: Record<string, string> = {}): Promise<ScriptResult> {
  const env: NodeJS.ProcessEnv = {
    // Package binaries start with `#!/usr/bin/env node`, so this node comes first in PATH.
    PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
    ...vars
  }
  for (const name of ['HOME', 'TMPDIR']) {
    if (process.env[name] !== undefined) {
      env[name] = process.env[name]
    }
  }
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
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
  }, SCRIPT_TIMEOUT_MS)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr, output: stdout + stderr }
}
