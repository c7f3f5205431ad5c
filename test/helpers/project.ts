import { cp, mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
