import { fileURLToPath } from 'node:url'
import { runScript, type ScriptResult } from './project.js'

/** The project root. */
export const root = fileURLToPath(new URL('../..', import.meta.url))

export { copyProject } from './project.js'

export type GenResult = ScriptResult

/** Runs scripts/gen.ts with `args` in `dir` against `databaseUrl`. */
export async function runGen (dir: string, databaseUrl: string, args: string[] = []): Promise<GenResult> {
  return await runScript(dir, 'scripts/gen.ts', args, { DATABASE_URL: databaseUrl })
}
