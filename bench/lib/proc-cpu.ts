// CPU time used by processes (Linux /proc), to say where a phase's CPU went.
import { readFileSync } from 'node:fs'

/** Clock ticks per second for /proc/<pid>/stat; 100 on every mainstream Linux build. */
const TICKS = 100

/** User + system CPU seconds of `pid`, or undefined when it cannot be read (gone, not Linux). */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS
  } catch {
    return undefined
  }
}

/** Reads several pids now; `since` gives the CPU seconds used by the pids present in both readings. */
export class CpuMeter {
  private readonly start = new Map<number, number>()

  constructor(pids: Iterable<number>) {
    for (const pid of pids) {
      const s = cpuSeconds(pid)
      if (s !== undefined) this.start.set(pid, s)
    }
  }

  /** Pids that appeared since the start count from zero (their whole life falls inside the window). */
  include(pids: Iterable<number>): void {
    for (const pid of pids) if (!this.start.has(pid) && cpuSeconds(pid) !== undefined) this.start.set(pid, 0)
  }

  since(): number | undefined {
    if (this.start.size === 0) return undefined
    let total = 0
    for (const [pid, s] of this.start) {
      const now = cpuSeconds(pid)
      if (now !== undefined) total += now - s
    }
    return total
  }
}

/** Whole-machine busy CPU seconds (all cores) from /proc/stat, or undefined. */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
    const v = line.trim().split(/\s+/).slice(1).map(Number)
    const idle = (v[3] ?? 0) + (v[4] ?? 0)
    const total = v.reduce((a, b) => a + b, 0)
    return (total - idle) / TICKS
  } catch {
    return undefined
  }
}
