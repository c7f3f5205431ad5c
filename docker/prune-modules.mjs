// Deletes files that production never loads from node_modules: type
// declarations, source maps, Markdown other than licences and notices, and
// the tests, examples, benchmarks and docs folders at the top of each
// package. Run in the image's prod-deps stage: `node prune-modules.mjs DIR`.
import { readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

const FOLDERS = new Set(['test', 'tests', '__tests__', 'example', 'examples', 'bench', 'benchmark', 'benchmarks', 'docs', '.github', 'coverage'])
const FILE_PATTERN = /\.(d\.[mc]?ts|map)$|^(?!licen[cs]e|notice).*\.md$/i

let removed = 0

function pruneFiles (dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      pruneFiles(path)
    } else if (FILE_PATTERN.test(entry.name)) {
      removed += statSync(path).size
      rmSync(path)
    }
  }
}

function sizeOf (path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) {
    return stat.size
  }
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0)
}

/** Visits each package folder under a node_modules folder, scoped ones included. */
function prunePackages (modules) {
  for (const name of readdirSync(modules)) {
    const path = join(modules, name)
    if (name.startsWith('@')) {
      prunePackages(path)
      continue
    }
    if (!statSync(path).isDirectory() || name.startsWith('.')) {
      continue
    }
    for (const child of readdirSync(path)) {
      const childPath = join(path, child)
      if (FOLDERS.has(child) && statSync(childPath).isDirectory()) {
        removed += sizeOf(childPath)
        rmSync(childPath, { recursive: true })
      } else if (child === 'node_modules') {
        prunePackages(childPath)
      }
    }
  }
}

const root = process.argv[2] ?? 'node_modules'
prunePackages(root)
pruneFiles(root)
console.log(`pruned ${(removed / 1e6).toFixed(1)} MB from ${root}`)
