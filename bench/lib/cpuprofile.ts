// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by
// package / source area, so a bench run can say where the CPU went.
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
}

/** [from, to] in CLOCK_MONOTONIC µs (bench/lib/measure.ts `window`). */
export type SampleWindow = readonly [number, number]

export interface ProfileSummary {
  totalMs: number
  idleMs: number
  byArea: [string, number][]
  byFunction: [string, number][]
}

/** node_modules/<pkg>, a repo folder (src/http, machines…), node: internals, or a V8 pseudo-frame. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (nm) return nm[1] as string
  if (url.startsWith('node:')) return url.startsWith('node:internal/deps/undici') ? 'node:undici' : 'node: core'
  const repo = /\/(src\/[^/]+|machines|workers|bench)\//.exec(url)
  return repo ? (repo[1] as string) : url.replace(/^file:\/\//, '')
}

/**
 * Self time of the samples taken inside `windows` (all of them when none are given): a
 * phase's profile without the start-up (module loading, schema compilation) and seeding.
 */
export function summarizeProfile(path: string, top = 25, windows: readonly SampleWindow[] = []): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  const inWindow = (t: number) => windows.length === 0 || windows.some(([from, to]) => t >= from && t <= to)
  let t = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number
    const delta = profile.timeDeltas[i] ?? 0
    t += delta
    if (inWindow(t)) self.set(id, (self.get(id) ?? 0) + delta / 1000)
  }
  const areas = new Map<string, number>()
  const functions = new Map<string, number>()
  let totalMs = 0
  let idleMs = 0
  for (const [id, ms] of self) {
    const node = byId.get(id)
    if (!node) continue
    const { functionName, url, lineNumber } = node.callFrame
    if (functionName === '(idle)') {
      idleMs += ms
      continue
    }
    totalMs += ms
    const area = areaOf(url, functionName)
    areas.set(area, (areas.get(area) ?? 0) + ms)
    const file = url ? `${url.replace(/^.*\/(node_modules\/)?/, '')}:${lineNumber + 1}` : ''
    const key = `${functionName || '(anonymous)'} ${file ? `(${area === file ? file : `${area} ${file}`})` : ''}`.trim()
    functions.set(key, (functions.get(key) ?? 0) + ms)
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
  return { totalMs, idleMs, byArea: sorted(areas), byFunction: sorted(functions) }
}
