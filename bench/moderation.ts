// Speed of the moderation engine on one core: messages per second over the
// labelled corpus, and latency percentiles for a 2,000-character message.
// Run: npx tsx bench/moderation.ts  (targets: >= 5,000 msg/s, p99 < 5 ms)
// Both wall-clock and CPU time are printed: on a shared machine wall-clock
// includes time spent waiting for a core, CPU time is the engine's own cost.
import { performance } from 'node:perf_hooks'
import { moderate, type ModerationContext } from '../src/domain/moderation/engine/index.js'
import { loadCorpus, PLATFORM_DOMAINS } from './moderation-quality.js'

const ctx = (role: ModerationContext['senderRole']): ModerationContext => ({
  senderRole: role,
  allowedDomains: PLATFORM_DOMAINS,
})

function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

function throughput(): { wall: number; cpu: number } {
  const rows = loadCorpus().map((r) => ({ text: r.text, ctx: ctx(r.sender_role) }))
  for (let i = 0; i < 3; i++) for (const r of rows) moderate(r.text, r.ctx) // warm-up (JIT, lazy regex compile)
  let n = 0
  const t0 = performance.now()
  const c0 = cpuMs()
  while (performance.now() - t0 < 2000) {
    for (const r of rows) moderate(r.text, r.ctx)
    n += rows.length
  }
  return { wall: n / ((performance.now() - t0) / 1000), cpu: n / ((cpuMs() - c0) / 1000) }
}

/** A realistic long claim: corpus messages glued together up to 2,000 characters. */
function longMessages(count: number): string[] {
  const texts = loadCorpus().map((r) => r.text)
  const out: string[] = []
  for (let k = 0; k < count; k++) {
    let s = ''
    for (let i = k; s.length < 2000; i = (i * 7 + 13) % texts.length) s += texts[i] + ' '
    out.push(s.slice(0, 2000))
  }
  return out
}

interface Percentiles {
  p50: number
  p99: number
  max: number
}

function percentiles(times: number[]): Percentiles {
  times.sort((a, b) => a - b)
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))]!
  return { p50: at(0.5), p99: at(0.99), max: times[times.length - 1]! }
}

function latency(): { wall: Percentiles; cpu: Percentiles } {
  const msgs = longMessages(200)
  const c = ctx('seller')
  for (const m of msgs.slice(0, 50)) moderate(m, c)
  const wall: number[] = []
  const cpu: number[] = []
  for (let round = 0; round < 5; round++) {
    for (const m of msgs) {
      const c0 = cpuMs()
      const t0 = performance.now()
      moderate(m, c)
      wall.push(performance.now() - t0)
      cpu.push(cpuMs() - c0)
    }
  }
  return { wall: percentiles(wall), cpu: percentiles(cpu) }
}

const rate = throughput()
const lat = latency()
const f = (p: Percentiles): string =>
  `p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms, max ${p.max.toFixed(2)} ms`
console.log(
  `throughput over the corpus: ${Math.round(rate.wall).toLocaleString('en')} msg/s wall-clock, ${Math.round(rate.cpu).toLocaleString('en')} msg/s per CPU-second (target >= 5,000)`,
)
console.log(`2,000-char message, wall-clock: ${f(lat.wall)} (target p99 < 5 ms)`)
console.log(`2,000-char message, CPU time:   ${f(lat.cpu)}`)
