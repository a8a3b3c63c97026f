// A small HTTP load driver for the bench scripts: a keep-alive node:http
// client, a closed loop (fixed concurrency, as fast as the server answers) and
// an open loop (fixed arrival rate, latency measured from each request's
// scheduled send time so a stalled server cannot hide its queueing:
// no coordinated omission).
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { summarize, type LatencySummary } from './stats.js'

export interface HttpResponse {
  status: number
  body: string
}

export class HttpClient {
  private readonly agent: http.Agent
  private readonly host: string
  private readonly port: number

  constructor(baseUrl: string, { maxSockets = 512 }: { maxSockets?: number } = {}) {
    const url = new URL(baseUrl)
    this.host = url.hostname
    this.port = Number(url.port || 80)
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' })
  }

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
    const allHeaders: Record<string, string | number> = { ...headers }
    if (payload) {
      allHeaders['content-type'] = 'application/json'
      allHeaders['content-length'] = payload.length
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: this.host, port: this.port, method, path, headers: allHeaders, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(payload)
    })
  }

  close(): void {
    this.agent.destroy()
  }
}

/**
 * Hands out keys round-robin with at most one in flight per key: `acquire`
 * takes the key idle the longest (waiting if every key is busy), `release`
 * puts it at the back of the queue; `retire` takes an acquired key out for good.
 */
export class KeyPool<T> {
  private idle: T[]
  private head = 0
  private live: number
  private readonly waiters: { resolve: (key: T) => void; reject: (err: Error) => void }[] = []

  constructor(keys: Iterable<T>) {
    this.idle = [...keys]
    this.live = this.idle.length
  }

  /** Keys still in the rotation (idle or in flight). */
  get size(): number {
    return this.live
  }

  acquire(): Promise<T> {
    if (this.head < this.idle.length) {
      const key = this.idle[this.head++] as T
      if (this.head >= 1024 && this.head * 2 >= this.idle.length) {
        this.idle = this.idle.slice(this.head)
        this.head = 0
      }
      return Promise.resolve(key)
    }
    if (this.live === 0) return Promise.reject(new Error('every key was retired'))
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  release(key: T): void {
    const waiter = this.waiters.shift()
    if (waiter) waiter.resolve(key)
    else this.idle.push(key)
  }

  /** An acquired key leaves the rotation for good (e.g. its state is no longer known). */
  retire(): void {
    this.live -= 1
    if (this.live === 0) for (const w of this.waiters.splice(0)) w.reject(new Error('every key was retired'))
  }
}

/** One unit of work; `label` names a failure (e.g. "409 action-not-allowed"). */
export interface Outcome {
  ok: boolean
  label?: string
  /** Closed loop: this worker stops (nothing left to do). */
  stop?: boolean
}
export type Operation = () => Promise<Outcome>

export interface LoadResult {
  mode: 'closed' | 'open'
  ok: number
  failed: number
  errors: Record<string, number>
  elapsedMs: number
  /** Successful operations per second over the run. */
  throughput: number
  /** Closed loop: per-request latency. Open loop: from the scheduled send time. */
  latency: LatencySummary
  /** Open loop only: the arrival rate asked for and the one achieved. */
  offeredRate?: number
  sentRate?: number
  concurrency?: number
}

class Recorder {
  ok = 0
  failed = 0
  readonly errors: Record<string, number> = {}
  readonly latencies: number[] = []

  record(outcome: Outcome, ms: number): void {
    if (outcome.ok) {
      this.ok += 1
      this.latencies.push(ms)
    } else {
      this.failed += 1
      const label = outcome.label ?? 'error'
      this.errors[label] = (this.errors[label] ?? 0) + 1
    }
  }
}

async function attempt(op: Operation): Promise<Outcome> {
  try {
    return await op()
  } catch (err) {
    const e = err as { code?: string; message?: string }
    return { ok: false, label: e.code ?? e.message ?? String(err), stop: e.message === 'every key was retired' }
  }
}

/** `concurrency` workers each run `op` back to back for `seconds`. */
export async function closedLoop(
  op: Operation,
  { concurrency, seconds }: { concurrency: number; seconds: number },
): Promise<LoadResult> {
  const rec = new Recorder()
  const started = performance.now()
  const deadline = started + seconds * 1000
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now()
      const outcome = await attempt(op)
      rec.record(outcome, performance.now() - t0)
      if (outcome.stop) return
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsedMs = performance.now() - started
  return {
    mode: 'closed',
    ok: rec.ok,
    failed: rec.failed,
    errors: rec.errors,
    elapsedMs,
    throughput: (rec.ok * 1000) / elapsedMs,
    latency: summarize(rec.latencies),
    concurrency,
  }
}

/**
 * Starts `op` at a fixed `rate` per second for `seconds`, whatever the server
 * does; each latency runs from the moment the request was due to be sent.
 */
export async function openLoop(
  op: Operation,
  { rate, seconds }: { rate: number; seconds: number },
): Promise<LoadResult> {
  const rec = new Recorder()
  const interval = 1000 / rate
  const total = Math.round(rate * seconds)
  const inFlight = new Set<Promise<void>>()
  const started = performance.now() + 2
  let sent = 0
  const launch = (due: number) => {
    const p: Promise<void> = attempt(op).then((outcome) => {
      rec.record(outcome, performance.now() - due)
      inFlight.delete(p)
    })
    inFlight.add(p)
  }
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now()
      while (sent < total && started + sent * interval <= now) {
        launch(started + sent * interval)
        sent += 1
      }
      if (sent >= total) return resolve()
      setTimeout(tick, Math.max(0, started + sent * interval - performance.now()))
    }
    setTimeout(tick, 2)
  })
  const sendingMs = performance.now() - started
  while (inFlight.size > 0) await Promise.all([...inFlight])
  const elapsedMs = performance.now() - started
  return {
    mode: 'open',
    ok: rec.ok,
    failed: rec.failed,
    errors: rec.errors,
    elapsedMs,
    throughput: (rec.ok * 1000) / elapsedMs,
    latency: summarize(rec.latencies),
    offeredRate: rate,
    sentRate: (sent * 1000) / sendingMs,
  }
}
