import type { ProfileSummary } from './profile.js'
import type { RunResult } from './stats.js'

/** The figures of one service process in one scenario. */
export interface ServiceRun {
  /** The settings by which it differs from the main service; empty for the main service. */
  label: string
  run: RunResult
  /** Peak resident set size during the scenario's measured slices, in bytes. */
  peakRssBytes: number | undefined
}

export interface ScenarioResult {
  name: string
  title: string
  /** The main service first, then the one started with --compare, if any. */
  services: ServiceRun[]
  /** True when each peak covers only this scenario; false when it is the peak since the process started. */
  peakRssPerScenario: boolean
  database: RunResult
  http: RunResult
}

function serviceTitle (result: ScenarioResult, service: ServiceRun): string {
  return service.label === '' ? result.title : `${result.title}, ${service.label}`
}

function fixed (value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

function rate (value: number): string {
  return fixed(Math.round(value), 0)
}

function ms (value: number): string {
  return fixed(value, value < 10 ? 2 : 1)
}

function ratio (part: number, whole: number): string {
  return whole > 0 ? `${fixed((part / whole) * 100, 0)} %` : 'n/a'
}

function core (share: number | undefined): string {
  return share === undefined ? 'n/a' : `${fixed(share * 100, 0)} %`
}

function megabytes (bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : fixed(bytes / 2 ** 20, 0)
}

/** Formats a Markdown table whose first `textColumns` columns are left-aligned and the rest right-aligned. */
function table (header: string[], rows: string[][], textColumns: number): string {
  const lines = [header, header.map((_cell, index) => index < textColumns ? '---' : '---:'), ...rows]
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}

/**
 * Formats the headline table: the service's figures and its throughput as a share
 * of each ceiling measured in the same run.
 */
export function summaryTable (results: ScenarioResult[]): string {
  const header = [
    'scenario', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'peak RSS MB',
    'DB ceiling /s', 'of DB', 'HTTP ceiling req/s', 'of HTTP'
  ]
  const rows = results.flatMap((result) => result.services.map((service) => {
    const { run } = service
    return [
      serviceTitle(result, service),
      rate(run.perSecond),
      ms(run.latency.p50),
      ms(run.latency.p99),
      ms(run.latency.max),
      String(run.errors),
      megabytes(service.peakRssBytes) + (result.peakRssPerScenario ? '' : ' *'),
      rate(result.database.perSecond),
      ratio(run.perSecond, result.database.perSecond),
      rate(result.http.perSecond),
      ratio(run.perSecond, result.http.perSecond)
    ]
  }))
  return table(header, rows, 1)
}

/** Formats every run with its latencies and the CPU time of each process, as a share of one core. */
export function detailTable (results: ScenarioResult[]): string {
  const header = [
    'scenario', 'run', 'per s', 'p50 ms', 'p99 ms', 'max ms', 'errors',
    'CPU target', 'CPU Postgres', 'CPU load generator'
  ]
  const rows: string[][] = []
  for (const result of results) {
    const runs: Array<[string, RunResult]> = [
      ...result.services.map((service): [string, RunResult] => [
        service.label === '' ? 'service' : `service, ${service.label}`,
        service.run
      ]),
      ['DB ceiling', result.database],
      ['HTTP ceiling', result.http]
    ]
    for (const [name, run] of runs) {
      rows.push([
        result.title,
        name,
        rate(run.perSecond),
        ms(run.latency.p50),
        ms(run.latency.p99),
        ms(run.latency.max),
        String(run.errors),
        core(run.cpu.target),
        core(run.cpu.postgres),
        core(run.cpu.loadGenerator)
      ])
    }
  }
  return table(header, rows, 2)
}

export function profileReport (summary: ProfileSummary): string {
  const lines = [`CPU profile: ${summary.file} (${fixed(summary.busyS, 1)} s busy)`, '', 'Self time by package:']
  for (const entry of summary.byPackage) {
    lines.push(`  ${fixed(entry.share * 100, 1).padStart(5)} %  ${entry.name}`)
  }
  lines.push('', 'Self time by function:')
  for (const entry of summary.byFunction) {
    lines.push(`  ${fixed(entry.share * 100, 1).padStart(5)} %  ${entry.name}`)
  }
  return lines.join('\n')
}

/** Lists the runs that had errors, with the first error of each; empty when there were none. */
export function errorLines (results: ScenarioResult[]): string[] {
  const lines: string[] = []
  for (const result of results) {
    const runs: Array<[string, RunResult]> = [
      ...result.services.map((service): [string, RunResult] => [serviceTitle(result, service) + ', service', service.run]),
      [`${result.title}, DB ceiling`, result.database],
      [`${result.title}, HTTP ceiling`, result.http]
    ]
    for (const [name, run] of runs) {
      if (run.errors > 0) {
        lines.push(`${name}: ${run.errors} errors; first: ${run.firstError ?? 'unknown'}`)
      }
    }
  }
  return lines
}
