// Claim transitions over HTTP on this machine, next to a bare baseline
// measured in the same run (bench/baseline-claims-server.ts: Fastify + raw pg
// doing the same statements in one transaction).
//
//   npx tsx bench/claims.ts [--seconds 10] [--concurrency 32] [--claims 2000]
//                           [--rate auto|N] [--warmup 3] [--rounds 1]
//                           [--compiled] [--idempotency] [--profile] [--keep]
//
// 1. Creates claimdesk_bench (dropped first if it exists), migrates it, starts
//    the real API as a child (`node --import tsx src/cli/start.ts api`, or the
//    compiled dist/ build with --compiled) and opens --claims claims over HTTP,
//    all awaiting_seller. Then clones the seeded database as
//    claimdesk_bench_baseline and starts the baseline server on it.
// 2. Each transition is one POST /v1/claims/:id/actions, cycling every claim
//    between seller request_info (→ awaiting_buyer_info) and buyer
//    provide_info (→ awaiting_seller); claims are taken round-robin with never
//    two requests in flight for one claim.
// 3. Phase A, closed loop at --concurrency for --seconds: transitions/s
//    (200s only). Phase B, open loop at --rate/s for --seconds (by default,
//    `auto`, 60% of the baseline's closed-loop peak measured just before):
//    p50/p95/p99 from each request's scheduled send time. Service and
//    baseline alternate.
// 4. Prints both, the ratios and the targets (docs/benchmarks.md: ≥ 80% of
//    the baseline's transitions/s, Node CPU per transition ≤ 1.4× the
//    baseline's, p99 < 50 ms in phase B), stops the children and drops both
//    databases (also on errors and Ctrl-C; --keep leaves the databases).
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { createDb } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { summarizeProfile, type SampleWindow } from './lib/cpuprofile.js'
import { closedLoop, HttpClient, KeyPool, openLoop, type LoadResult } from './lib/http-load.js'
import {
  ADMIN_URL,
  databaseUrl,
  transportOf,
  dropDatabase,
  recreateDatabase,
  vacuumAnalyze,
  writeCounters,
  writesPer,
  type WriteCounters,
} from './lib/pg-admin.js'
import { startClaimdeskApi } from './lib/claimdesk.js'
import { bearerFor, seedClaims, transition, type CycleTarget } from './lib/claim-cycle.js'
import { freePort, runningServers, startServer, waitReady, type ServerProcess } from './lib/processes.js'
import { measure, type Measured } from './lib/measure.js'
import { fmt, median } from './lib/stats.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SERVICE_DB = 'claimdesk_bench'
const BASELINE_DB = 'claimdesk_bench_baseline'
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const JWT_SECRET = 'claimdesk-bench-secret-not-for-production'

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '32' },
    claims: { type: 'string', default: '2000' },
    rate: { type: 'string', default: 'auto' },
    warmup: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '1' },
    compiled: { type: 'boolean', default: false },
    idempotency: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
})
const positive = (name: string, value: string | undefined): number => {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${value}`)
  return n
}
const SECONDS = positive('seconds', opts.seconds)
const CONCURRENCY = Math.round(positive('concurrency', opts.concurrency))
const CLAIMS = Math.round(positive('claims', opts.claims))
/** Phase B's offered rate: `auto` is this share of the baseline's closed-loop peak. */
const AUTO_RATE_SHARE = 0.6
const FIXED_RATE = opts.rate === 'auto' ? undefined : positive('rate', opts.rate)
let RATE = FIXED_RATE ?? Number.NaN
const WARMUP = Number(opts.warmup ?? 3)
const ROUNDS = Math.round(positive('rounds', opts.rounds))

// --- the two parties of each claim ------------------------------------------

const bearer = bearerFor(JWT_SECRET)

interface Target extends CycleTarget {
  name: 'service' | 'baseline'
  server: ServerProcess
  client: HttpClient
}

// --- set-up ------------------------------------------------------------------

function apiCommand(profileDir: string | undefined): { args: string[]; label: string } {
  const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
  if (opts.compiled) {
    const entry = path.join(ROOT, 'dist/src/cli/start.js')
    if (!existsSync(entry)) throw new Error('--compiled needs a build: run `npm run build` first')
    return { args: [...prof, entry, 'api'], label: 'node dist/src/cli/start.js api (compiled build)' }
  }
  return {
    args: [...prof, '--import', 'tsx', 'src/cli/start.ts', 'api'],
    label: 'node --import tsx src/cli/start.ts api',
  }
}

function startApi(profileDir?: string): Promise<ServerProcess> {
  return startClaimdeskApi({
    db: SERVICE_DB,
    redisUrl: REDIS_URL,
    jwtSecret: JWT_SECRET,
    nodeArgs: apiCommand(profileDir).args,
  })
}

async function startBaseline(profileDir?: string): Promise<ServerProcess> {
  const port = await freePort()
  const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
  const server = startServer({
    name: 'baseline',
    args: [...prof, '--import', 'tsx', 'bench/baseline-claims-server.ts'],
    cwd: ROOT,
    port,
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl(BASELINE_DB), PORT: String(port) },
  })
  await waitReady(server, '/readyz')
  return server
}

// --- measuring ---------------------------------------------------------------

const cycle = (t: Target) => transition(t, { idempotency: opts.idempotency })

/** After a phase with failures: the server's last log lines, to say why. */
function showServerLog(target: Target, r: LoadResult): void {
  if (r.failed === 0) return
  const lines = target.server.output().split('\n').slice(-3)
  for (const line of lines) console.log(`      ${target.name} log: ${line.slice(0, 400)}`)
}

function describeErrors(r: LoadResult): string {
  const entries = Object.entries(r.errors)
  return entries.length === 0 ? '0' : `${r.failed} (${entries.map(([k, v]) => `${k} ×${v}`).join(', ')})`
}

// --- clean-up ----------------------------------------------------------------

let cleaning: Promise<void> | undefined
let interrupted = false
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all(runningServers().map((s) => s.stop(5_000).catch(() => {})))
    if (!opts.keep) {
      for (const db of [SERVICE_DB, BASELINE_DB])
        await dropDatabase(db).catch((err: Error) => console.error(`could not drop ${db}: ${err.message}`))
    }
  })()
  return cleaning
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true
    console.error(`\n${signal}: stopping the servers and dropping the bench databases…`)
    void cleanup().finally(() => process.exit(130))
  })
}

// --- main --------------------------------------------------------------------

async function main(): Promise<void> {
  const pgVersion = await (async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL })
    await c.connect()
    try {
      return (await c.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?'
    } finally {
      await c.end()
    }
  })()
  const apiLabel = apiCommand(undefined).label
  console.log(
    `claim transitions bench — ${availableParallelism()} CPUs, Node ${process.version}, PostgreSQL ${pgVersion} over ${transportOf()} (BENCH_DATABASE_ADMIN_URL)`,
  )
  console.log(`API under test: ${apiLabel} (NODE_ENV=production, LOG_LEVEL=warn, default pool of 10)`)
  console.log(
    `phases: ${SECONDS}s each (warm-up ${WARMUP}s), closed loop × ${CONCURRENCY} in flight, open loop at ${FIXED_RATE === undefined ? `${100 * AUTO_RATE_SHARE}% of the baseline's closed-loop peak` : `${FIXED_RATE}/s`}, ${CLAIMS} claims, ${ROUNDS} round(s)${opts.idempotency ? ', Idempotency-Key on every request' : ''}`,
  )

  // 1. database, API, seed
  await recreateDatabase(SERVICE_DB)
  await dropDatabase(BASELINE_DB)
  const db = createDb(databaseUrl(SERVICE_DB))
  await migrateToLatest(db)
  await db.destroy()
  let api = await startApi()
  const seeder = new HttpClient(api.baseUrl)
  const seedStart = performance.now()
  const slots = await seedClaims(seeder, CLAIMS, bearer)
  const seedSeconds = (performance.now() - seedStart) / 1000
  seeder.close()
  console.log(
    `seeded ${CLAIMS} orders + claims over HTTP in ${fmt(seedSeconds)} s (${fmt((CLAIMS * 2) / seedSeconds, 0)} req/s)`,
  )

  // 2. the baseline's database is a copy of the seeded one (a template needs no sessions)
  await api.stop()
  await recreateDatabase(BASELINE_DB, SERVICE_DB)
  await vacuumAnalyze(SERVICE_DB)
  await vacuumAnalyze(BASELINE_DB)
  const profileDir = opts.profile ? mkdtempSync(path.join(tmpdir(), 'claimdesk-bench-prof-')) : undefined
  const baselineProfileDir = opts.profile
    ? mkdtempSync(path.join(tmpdir(), 'claimdesk-bench-baseline-prof-'))
    : undefined
  api = await startApi(profileDir)
  const baseline = await startBaseline(baselineProfileDir)
  const before: Record<string, WriteCounters> = {
    [SERVICE_DB]: await writeCounters(SERVICE_DB),
    [BASELINE_DB]: await writeCounters(BASELINE_DB),
  }

  const service: Target = {
    name: 'service',
    server: api,
    client: new HttpClient(api.baseUrl),
    pool: new KeyPool(slots.map((s) => ({ ...s }))),
    auth: (role, id) => ({ authorization: bearer(role, id) }),
    transitions: 0,
    retired: 0,
  }
  const base: Target = {
    name: 'baseline',
    server: baseline,
    client: new HttpClient(baseline.baseUrl),
    pool: new KeyPool(slots.map((s) => ({ ...s }))),
    auth: (role, id) => ({ 'x-principal': `${role}:${id}` }),
    transitions: 0,
    retired: 0,
  }
  const targets: [Target, string][] = [
    [service, SERVICE_DB],
    [base, BASELINE_DB],
  ]

  // 3. warm-up (JIT, pools, caches), then the phases, alternating the targets
  if (WARMUP > 0) {
    for (const [t] of targets) await closedLoop(cycle(t), { concurrency: CONCURRENCY, seconds: WARMUP })
  }
  const closed: Record<string, Measured[]> = { service: [], baseline: [] }
  const open: Record<string, Measured[]> = { service: [], baseline: [] }
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse()
    for (const [t, dbName] of order) {
      const r = await measure(t.server, dbName, () =>
        closedLoop(cycle(t), { concurrency: CONCURRENCY, seconds: SECONDS }),
      )
      closed[t.name]?.push(r)
      console.log(
        `  A closed ×${CONCURRENCY}  ${t.name.padEnd(8)} ${fmt(r.throughput)} transitions/s, p50 ${fmt(r.latency.p50)} ms, p99 ${fmt(r.latency.p99)} ms, errors ${describeErrors(r)}`,
      )
      showServerLog(t, r)
    }
  }
  if (FIXED_RATE === undefined) {
    RATE = Math.round(AUTO_RATE_SHARE * median(closed.baseline?.map((r) => r.throughput) ?? []))
    console.log(`  open loop at ${RATE}/s: ${100 * AUTO_RATE_SHARE}% of the baseline's closed-loop median`)
  }
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse()
    for (const [t, dbName] of order) {
      const r = await measure(t.server, dbName, () => openLoop(cycle(t), { rate: RATE, seconds: SECONDS }))
      open[t.name]?.push(r)
      console.log(
        `  B open @${RATE}/s  ${t.name.padEnd(8)} ${fmt(r.throughput)} transitions/s, p50 ${fmt(r.latency.p50)} ms, p95 ${fmt(r.latency.p95)} ms, p99 ${fmt(r.latency.p99)} ms, errors ${describeErrors(r)}`,
      )
      showServerLog(t, r)
    }
  }

  // 4. stop the servers (so Postgres publishes their counters), then report
  service.client.close()
  base.client.close()
  await api.stop()
  await baseline.stop()
  await sleep(500)
  const after = { [SERVICE_DB]: await writeCounters(SERVICE_DB), [BASELINE_DB]: await writeCounters(BASELINE_DB) }
  report(closed, open, {
    service: writesPer(before[SERVICE_DB] as WriteCounters, after[SERVICE_DB], service.transitions),
    baseline: writesPer(before[BASELINE_DB] as WriteCounters, after[BASELINE_DB], base.transitions),
    commits: {
      service: fmt(
        (after[SERVICE_DB].commits - (before[SERVICE_DB] as WriteCounters).commits) / service.transitions,
        2,
      ),
      baseline: fmt(
        (after[BASELINE_DB].commits - (before[BASELINE_DB] as WriteCounters).commits) / base.transitions,
        2,
      ),
    },
    retired: { service: service.retired, baseline: base.retired },
  })

  for (const [who, dir] of [
    ['API', profileDir],
    ['baseline', baselineProfileDir],
  ] as const) {
    // The closed-loop phases only: start-up, seeding and warm-up would hide the steady state.
    const windows = (who === 'API' ? closed.service : closed.baseline)?.map((r) => r.window) ?? []
    if (dir) printProfile(who, dir, windows)
  }
}

/** The main thread's profile (the first one written; a loader thread may write another). */
function printProfile(who: string, dir: string, windows: readonly SampleWindow[]): void {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()[0]
  if (!file) {
    console.log(`\nno CPU profile was written to ${dir}`)
    return
  }
  const p = summarizeProfile(path.join(dir, file), 25, windows)
  console.log(
    `\n${who} CPU profile, closed-loop phases (${path.join(dir, file)}): ${fmt(p.totalMs / 1000, 2)} s sampled busy, ${fmt(p.idleMs / 1000, 2)} s idle`,
  )
  console.log(
    '  (V8 samples wall-clock time: on a saturated machine, time descheduled inside a syscall such as writev is counted as that syscall)',
  )
  console.log('  self time by area:')
  for (const [area, ms] of p.byArea.slice(0, 18))
    console.log(`    ${fmt((100 * ms) / p.totalMs).padStart(5)}%  ${area}`)
  console.log('  self time by function:')
  for (const [fn, ms] of p.byFunction.slice(0, 25))
    console.log(`    ${fmt((100 * ms) / p.totalMs).padStart(5)}%  ${fn}`)
}

function report(
  closed: Record<string, Measured[]>,
  open: Record<string, Measured[]>,
  writes: {
    service: Record<string, string>
    baseline: Record<string, string>
    commits: Record<string, string>
    retired: Record<string, number>
  },
): void {
  const med = (rs: Measured[] | undefined, pick: (r: Measured) => number | undefined) =>
    median((rs ?? []).map(pick).filter((v): v is number => v !== undefined))
  const svcTps = med(closed.service, (r) => r.throughput)
  const baseTps = med(closed.baseline, (r) => r.throughput)
  const ratio = svcTps / baseTps
  const svcP99 = med(open.service, (r) => r.latency.p99)
  const errs = (rs: Measured[] | undefined) => (rs ?? []).map((r) => String(r.failed)).join(' / ')
  const row = (label: string, s: string, b: string, extra = '') =>
    console.log(`${label.padEnd(40)}${s.padStart(15)}${b.padStart(15)}   ${extra}`.trimEnd())

  console.log('\nresults' + (ROUNDS > 1 ? ` (median of ${ROUNDS} rounds)` : ''))
  row('', 'service', 'baseline')
  row(`A closed ×${CONCURRENCY}: transitions/s`, fmt(svcTps), fmt(baseTps), `ratio ${fmt(100 * ratio)}%`)
  row(
    '  latency p50 / p99 (ms)',
    `${fmt(med(closed.service, (r) => r.latency.p50))} / ${fmt(med(closed.service, (r) => r.latency.p99))}`,
    `${fmt(med(closed.baseline, (r) => r.latency.p50))} / ${fmt(med(closed.baseline, (r) => r.latency.p99))}`,
  )
  row(
    '  server CPU ms / transition',
    fmt(
      med(closed.service, (r) => r.serverCpuMs),
      2,
    ),
    fmt(
      med(closed.baseline, (r) => r.serverCpuMs),
      2,
    ),
  )
  row(
    '  Postgres backends CPU ms / transition',
    fmt(
      med(closed.service, (r) => r.pgCpuMs),
      2,
    ),
    fmt(
      med(closed.baseline, (r) => r.pgCpuMs),
      2,
    ),
  )
  row(
    '  load driver CPU ms / transition',
    fmt(
      med(closed.service, (r) => r.driverCpuMs),
      2,
    ),
    fmt(
      med(closed.baseline, (r) => r.driverCpuMs),
      2,
    ),
  )
  row(
    `  machine busy (cores of ${availableParallelism()})`,
    fmt(
      med(closed.service, (r) => r.machineBusy),
      2,
    ),
    fmt(
      med(closed.baseline, (r) => r.machineBusy),
      2,
    ),
  )
  row('  errors', errs(closed.service), errs(closed.baseline))
  row(
    `B open @${RATE}/s: achieved/s`,
    fmt(med(open.service, (r) => r.throughput)),
    fmt(med(open.baseline, (r) => r.throughput)),
  )
  row('  p50 (ms)', fmt(med(open.service, (r) => r.latency.p50)), fmt(med(open.baseline, (r) => r.latency.p50)))
  row('  p95 (ms)', fmt(med(open.service, (r) => r.latency.p95)), fmt(med(open.baseline, (r) => r.latency.p95)))
  row('  p99 (ms)', fmt(svcP99), fmt(med(open.baseline, (r) => r.latency.p99)))
  row('  max (ms)', fmt(med(open.service, (r) => r.latency.max)), fmt(med(open.baseline, (r) => r.latency.max)))
  row(
    '  server CPU ms / transition',
    fmt(
      med(open.service, (r) => r.serverCpuMs),
      2,
    ),
    fmt(
      med(open.baseline, (r) => r.serverCpuMs),
      2,
    ),
  )
  row(
    '  Postgres backends CPU ms / transition',
    fmt(
      med(open.service, (r) => r.pgCpuMs),
      2,
    ),
    fmt(
      med(open.baseline, (r) => r.pgCpuMs),
      2,
    ),
  )
  row(
    `  machine busy (cores of ${availableParallelism()})`,
    fmt(
      med(open.service, (r) => r.machineBusy),
      2,
    ),
    fmt(
      med(open.baseline, (r) => r.machineBusy),
      2,
    ),
  )
  row('  errors', errs(open.service), errs(open.baseline))
  const cpu = (rs: Measured[] | undefined) =>
    med(rs, (r) => (r.serverCpuMs === undefined ? undefined : r.serverCpuMs + (r.pgCpuMs ?? 0) + (r.driverCpuMs ?? 0)))
  const cores = availableParallelism()
  console.log(
    `\nCPU per transition in phase A (server + Postgres backends + load driver): service ${fmt(cpu(closed.service), 2)} ms, baseline ${fmt(cpu(closed.baseline), 2)} ms` +
      ` → at most ~${fmt((cores * 1000) / cpu(closed.service), 0)}/s and ~${fmt((cores * 1000) / cpu(closed.baseline), 0)}/s on ${cores} otherwise idle cores`,
  )
  const cpuOf = (rs: Measured[] | undefined) =>
    med(rs, (r) => (r.serverCpuMs === undefined ? undefined : r.serverCpuMs + (r.pgCpuMs ?? 0)))
  console.log(
    `CPU-normalised ratio (baseline ÷ service CPU per transition, server + Postgres; steadier than throughput on a shared machine): ${fmt((100 * cpuOf(closed.baseline)) / cpuOf(closed.service))}%`,
  )
  for (const [name, rs] of Object.entries(open)) {
    const r = rs[0]
    if (r && med(rs, (x) => x.latency.p50) > 1000) {
      console.log(
        `note: ${name} could not keep up with ${RATE}/s (queue grew for the whole phase); its open-loop latencies are queueing time`,
      )
    }
  }
  console.log(
    '\nrows written per transition (pg_stat_user_tables, warm-up included; transactions count lone statements too)',
  )
  const tables = [...new Set([...Object.keys(writes.service), ...Object.keys(writes.baseline)])].sort()
  for (const t of tables)
    console.log(
      `  ${t.padEnd(18)}${(writes.service[t] ?? '—').padStart(24)}${(writes.baseline[t] ?? '—').padStart(24)}`,
    )
  console.log(
    `  ${'transactions'.padEnd(18)}${String(writes.commits.service).padStart(24)}${String(writes.commits.baseline).padStart(24)}`,
  )
  if ((writes.retired.service ?? 0) + (writes.retired.baseline ?? 0) > 0) {
    console.log(
      `claims dropped after an unreadable state: service ${writes.retired.service}, baseline ${writes.retired.baseline}`,
    )
  }

  const svcNode = med(closed.service, (r) => r.serverCpuMs)
  const baseNode = med(closed.baseline, (r) => r.serverCpuMs)
  const nodeRatio = svcNode / baseNode
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS')
  console.log('\ntargets (docs/benchmarks.md; against the baseline measured in this run)')
  console.log(
    `  ${verdict(ratio >= 0.8)}  closed loop: ≥ 80% of the baseline's transitions/s: ${fmt(100 * ratio)}% (${fmt(svcTps)} / ${fmt(baseTps)})`,
  )
  console.log(
    `  ${verdict(nodeRatio <= 1.4)}  closed loop: Node CPU per transition ≤ 1.4× the baseline's: ${fmt(nodeRatio, 2)}× (${fmt(svcNode, 2)} / ${fmt(baseNode, 2)} ms)`,
  )
  console.log(`  ${verdict(svcP99 < 50)}  open loop at ${RATE}/s: p99 < 50 ms: ${fmt(svcP99)} ms`)
}

try {
  await main()
  await cleanup()
} catch (err) {
  // After Ctrl-C the requests in flight fail as the servers stop: not worth a stack.
  if (!interrupted) console.error(err)
  await cleanup()
  process.exitCode = 1
}
// A leftover keep-alive socket or timer must not keep the bench alive.
process.exit(process.exitCode ?? 0)
