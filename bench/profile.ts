import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'

/** The parts of a V8 .cpuprofile file (Node's --cpu-prof output) that the summary reads. */
interface CpuProfile {
  nodes: Array<{
    id: number
    callFrame: { functionName: string, url: string, lineNumber: number }
  }>
  samples: number[]
  timeDeltas: number[]
}

export interface ProfileEntry {
  name: string
  /** Share of the busy time (all samples but idle ones). */
  share: number
}

export interface ProfileSummary {
  file: string
  /** Busy time in the profile, in seconds. */
  busyS: number
  byFunction: ProfileEntry[]
  byPackage: ProfileEntry[]
}

/** Groups a script URL: an npm package, a Node.js internal module, or a file of the project. */
function packageOf (url: string, root: string): string {
  if (url === '') {
    return '(native or V8)'
  }
  if (url.startsWith('node:')) {
    return 'node internals'
  }
  const path = url.replace(/^file:\/\//, '')
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (match?.[1] !== undefined) {
    return match[1]
  }
  return relative(root, path)
}

function top (times: Map<string, number>, busy: number, count: number): ProfileEntry[] {
  return [...times.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, time]) => ({ name, share: time / busy }))
}

/**
 * Reads the newest .cpuprofile in `dir` (by modification time) and sums self time by function and
 * by package. Samples in "(idle)" are left out, so shares are of busy time;
 * "(garbage collector)" and "(program)" stay in as their own entries.
 */
export async function summarizeProfile (dir: string, root: string, count = 15): Promise<ProfileSummary> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'))
  const times = await Promise.all(files.map(async (name) => (await stat(join(dir, name))).mtimeMs))
  const file = files[times.indexOf(Math.max(...times))]
  if (file === undefined) {
    throw new Error(`no .cpuprofile file in ${dir}; the service writes it only when it exits cleanly`)
  }
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]))

  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
  let busy = 0
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id)
    const delta = profile.timeDeltas[index] ?? 0
    if (frame === undefined || frame.functionName === '(idle)') {
      return
    }
    busy += delta
    const where = frame.url === '' ? '' : ` ${packageOf(frame.url, root)}:${frame.lineNumber + 1}`
    const name = `${frame.functionName || '(anonymous)'}${where}`
    byFunction.set(name, (byFunction.get(name) ?? 0) + delta)
    const group = frame.url === '' ? frame.functionName : packageOf(frame.url, root)
    byPackage.set(group, (byPackage.get(group) ?? 0) + delta)
  })

  return {
    file: join(dir, file),
    busyS: busy / 1e6,
    byFunction: top(byFunction, busy, count),
    byPackage: top(byPackage, busy, count)
  }
}
