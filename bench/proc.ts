// CPU time and memory of other processes, read from Linux's /proc. On a
// system without /proc each reader returns undefined and the report shows
// "n/a".

import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

let ticksPerSecond: number | undefined

/** Clock ticks per second, the unit of CPU times in /proc/<pid>/stat (USER_HZ). */
function clockTicks (): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

interface ProcessStat {
  ppid: number
  /** User plus system CPU time of all threads, in seconds. */
  cpuS: number
  /** User plus system CPU time of its children that exited and were waited for, in seconds. */
  exitedChildrenCpuS: number
}

function readStat (pid: number): ProcessStat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // The command name (field 2) may contain spaces; fields after it are plain.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15,
  // cutime 16 and cstime 17.
  const ticks = Number(fields[11]) + Number(fields[12])
  const childTicks = Number(fields[13]) + Number(fields[14])
  return { ppid: Number(fields[1]), cpuS: ticks / clockTicks(), exitedChildrenCpuS: childTicks / clockTicks() }
}

/** CPU time used so far by a process, all threads, in seconds. */
export function cpuSeconds (pid: number): number | undefined {
  return readStat(pid)?.cpuS
}

/**
 * CPU time used so far by a Postgres server and its child processes (the
 * backends and background workers), in seconds. The time of a backend that
 * exited counts once the server has waited for it, which it does at once.
 */
export function postgresCpuSeconds (postmasterPid: number): number | undefined {
  const own = readStat(postmasterPid)
  if (own === undefined) {
    return undefined
  }
  let total = own.cpuS + own.exitedChildrenCpuS
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue
    }
    const stat = readStat(Number(entry))
    if (stat?.ppid === postmasterPid) {
      total += stat.cpuS
    }
  }
  return total
}

/** True when `pid` is a local process whose command name is postgres. */
export function isLocalPostgres (pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('postgres')
  } catch {
    return false
  }
}

/** Returns the parent pid of a process, or undefined when it cannot be read. */
export function parentPid (pid: number): number | undefined {
  return readStat(pid)?.ppid
}

/**
 * Resets the peak resident set size (VmHWM) of a process to its current
 * size, so that the next reading is the peak since now. Linux 4.0 and
 * later; returns false when the kernel or permissions do not allow it.
 */
export function resetPeakRss (pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

/** Peak resident set size of a process (VmHWM), in bytes. */
export function peakRssBytes (pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kilobytes = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]
    return kilobytes === undefined ? undefined : Number(kilobytes) * 1024
  } catch {
    return undefined
  }
}
