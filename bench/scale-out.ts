// Past one machine, the figures: claim actions per second with one and with
// two API processes against the same stores, and the deadline storm on a
// Redis Cluster against a single Redis.
//
//   PRIVATE_PORTS=7400-7499 npx tsx bench/scale-out.ts [--seconds 10] [--concurrency 32]
//                                                      [--claims 1000] [--storm 5000] [--rounds 2] [--only actions|storm]
//
// 1. Claim actions: creates claimdesk_scaleout, starts two real API processes
//    (`node --import tsx src/cli/start.ts api`) on it and on one private Redis,
//    opens --claims claims, and drives the claim cycle of bench/claims.ts
//    (seller request_info ⇄ buyer provide_info) in a closed loop: once
//    against the first process only, once against both in turn, --rounds
//    times back to back. Prints transitions/s of each phase and two ÷ one.
// 2. The storm: creates claimdesk_scaleout_storm, starts a private Redis and
//    a private three-master Redis Cluster (the test helpers' start-up), and
//    for each, --rounds times alternating, runs the workers in this process,
//    opens --storm claims whose deadlines fall due in one second (the lead
//    time measured on a sample first) and times until every expiry has committed. Prints each run and cluster ÷ single
//    (the target: the cluster within 20% of the single node).
// Stops every process it started and drops both databases, also on errors.
import os from 'node:os'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { loadConfig, type Config } from '../src/config/config.js'
import { resolvePolicy } from '../src/config/policy.js'
import { createDb, type Db } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { startWorkers } from '../workers/index.js'
import { startPrivateCluster } from '../test/workers/helpers/cluster.js'
import { startPrivateRedis, type RedisUnderTest } from '../test/workers/helpers/redis.js'
import { bearerFor, seedClaims, transition, type CycleTarget, type Slot } from './lib/claim-cycle.js'
import { startClaimdeskApi } from './lib/claimdesk.js'
import { installCommitProbe, lateness, openClaims, seedOrders, waitApplied } from './lib/deadline-storm.js'
import { closedLoop, HttpClient, KeyPool, type HttpResponse, type LoadResult } from './lib/http-load.js'
import { databaseUrl, dropDatabase, recreateDatabase } from './lib/pg-admin.js'
import { runningServers, type ServerProcess } from './lib/processes.js'
import { fmt, median } from './lib/stats.js'

const ACTIONS_DB = 'claimdesk_scaleout'
const STORM_DB = 'claimdesk_scaleout_storm'
const JWT_SECRET = 'claimdesk-bench-secret-not-for-production'

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    claims: { type: 'string', default: '1000' },
    storm: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
})
const SECONDS = Number(opts.seconds)
const WARMUP = Number(opts.warmup)
const CONCURRENCY = Number(opts.concurrency)
const CLAIMS = Number(opts.claims)
const STORM = Number(opts.storm)
const ROUNDS = Number(opts.rounds)

const log = (...args: unknown[]) => console.log(...args)

const cleanups: (() => unknown)[] = []
const teardown = { teardown: (fn: () => unknown) => void cleanups.push(fn) }

const bearer = bearerFor(JWT_SECRET)

/** Requests to several API processes in turn, as a balancer without stickiness would send them. */
class RoundRobin {
  private next = 0
  constructor(private readonly clients: HttpClient[]) {}

  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResponse> {
    const client = this.clients[this.next++ % this.clients.length] as HttpClient
    return client.request(method, path, body, headers)
  }
}

function describe(r: LoadResult): string {
  const errors = Object.entries(r.errors)
  return `${fmt(r.throughput)} transitions/s, p50 ${fmt(r.latency.p50)} ms, p99 ${fmt(r.latency.p99)} ms, errors ${errors.length === 0 ? 0 : errors.map(([k, v]) => `${k} ×${v}`).join(', ')}`
}

async function claimActions(redisUrl: string): Promise<{ one: number[]; two: number[] }> {
  await recreateDatabase(ACTIONS_DB)
  const db = createDb(databaseUrl(ACTIONS_DB))
  await migrateToLatest(db)
  await db.destroy()
  const start = () =>
    startClaimdeskApi({
      db: ACTIONS_DB,
      redisUrl,
      jwtSecret: JWT_SECRET,
      nodeArgs: ['--import', 'tsx', 'src/cli/start.ts', 'api'],
    })
  const apis: ServerProcess[] = [await start(), await start()]
  const clients = apis.map((api) => new HttpClient(api.baseUrl))
  try {
    const slots: Slot[] = await seedClaims(new RoundRobin(clients), CLAIMS, bearer)
    const pool = new KeyPool(slots)
    const target = (client: CycleTarget['client']): CycleTarget & { retired: number } => ({
      client,
      pool,
      auth: (role, id) => ({ authorization: bearer(role, id) }),
      transitions: 0,
      retired: 0,
    })
    const one = target(clients[0] as HttpClient)
    const two = target(new RoundRobin(clients))
    if (WARMUP > 0) {
      await closedLoop(transition(one), { concurrency: CONCURRENCY, seconds: WARMUP })
      await closedLoop(transition(two), { concurrency: CONCURRENCY, seconds: WARMUP })
    }
    const result = { one: [] as number[], two: [] as number[] }
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, t] of [
        ['one', one],
        ['two', two],
      ] as const) {
        const r = await closedLoop(transition(t), { concurrency: CONCURRENCY, seconds: SECONDS })
        result[name].push(r.throughput)
        log(`  round ${round}, ${name === 'one' ? 'one API process ' : 'two API processes'}: ${describe(r)}`)
        if (r.failed > 0)
          for (const api of apis) log(`    ${api.name} log: ${api.output().split('\n').at(-1)?.slice(0, 300)}`)
      }
    }
    if (one.retired + two.retired > 0) log(`  claims retired after failures: ${one.retired + two.retired}`)
    return result
  } finally {
    for (const c of clients) c.close()
    await Promise.all(apis.map((api) => api.stop()))
  }
}

/**
 * How long before the storm's second to start opening its claims: on a busy
 * shared machine a fixed lead is overrun, and a storm whose claims are still
 * being opened when they fall due measures the opening, not the firing. Times
 * opening a sample (deadlines a day away, out of the way) and allows half as
 * long again, and ten seconds.
 */
async function openingLeadMs(db: Db, seed: pg.Client, config: Config, tag: string): Promise<number> {
  const sample = Math.max(50, Math.round(STORM / 20))
  await seedOrders(seed, `${tag}-sample`, sample)
  const t0 = Date.now()
  await openClaims(db, config, `${tag}-sample`, sample, () => Date.now() + 86_400_000)
  return ((Date.now() - t0) / sample) * STORM * 1.5 + 10_000
}

/** One storm on `redis`: seconds from the storm's second until its last expiry committed. */
async function storm(db: Db, seed: pg.Client, redis: RedisUnderTest, tag: string): Promise<number> {
  // seller_response shorter than reminder_before: no reminders in the way (as bench/deadlines.ts).
  const config: Config = {
    ...loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl(STORM_DB), ...redis.env }),
    policy: resolvePolicy({ seller_response: 'PT12H' }),
  }
  await seed.query('truncate bench_commits')
  const workers = await startWorkers({ config, db, concurrency: 16 })
  try {
    await seedOrders(seed, tag, STORM)
    const lead = await openingLeadMs(db, seed, config, tag)
    const second = Math.ceil((Date.now() + lead) / 1000) * 1000
    log(`  ${tag}: opening ${STORM} claims, due ${fmt(lead / 1000, 0)} s from now`)
    await openClaims(db, config, tag, STORM, (i) => second + (i % 1000))
    if (Date.now() > second) log(`  warning: opening the ${tag} claims overran the storm second`)
    const complete = await waitApplied(db, STORM, second + 120_000 - Date.now())
    const s = await lateness(db, tag)
    const seconds = (s.lastCommit - second) / 1000
    log(
      `  ${tag}: ${s.n}/${STORM} applied${complete ? '' : ' (INCOMPLETE)'} ${fmt(seconds, 2)} s after the second began; lateness p50 ${fmt(s.p50, 0)} ms, p99 ${fmt(s.p99, 0)} ms; load ${fmt(os.loadavg()[0] ?? NaN)}`,
    )
    return complete ? seconds : Number.NaN
  } finally {
    await workers.close()
  }
}

async function deadlineStorms(): Promise<{ single: number[]; cluster: number[] }> {
  await recreateDatabase(STORM_DB)
  const db = createDb(databaseUrl(STORM_DB), { max: 24 })
  const seed = new pg.Client({ connectionString: databaseUrl(STORM_DB) })
  await seed.connect()
  try {
    await migrateToLatest(db)
    await installCommitProbe(db)
    const single = await startPrivateRedis(teardown)
    const cluster = await startPrivateCluster(teardown)
    const result = { single: [] as number[], cluster: [] as number[] }
    for (let round = 1; round <= ROUNDS; round++) {
      result.single.push(await storm(db, seed, single, `single-${round}`))
      result.cluster.push(await storm(db, seed, cluster, `cluster-${round}`))
    }
    return result
  } finally {
    await seed.end()
    await db.destroy()
  }
}

async function main(): Promise<void> {
  log(
    `scale-out bench ${new Date().toISOString()}: ${os.availableParallelism()} CPUs (shared), Node ${process.version}; ${CLAIMS} claims, closed loop ×${CONCURRENCY} for ${SECONDS} s per phase, storm of ${STORM}, ${ROUNDS} rounds`,
  )
  try {
    const none = { one: [] as number[], two: [] as number[], single: [] as number[], cluster: [] as number[] }
    let actions = none
    if (opts.only !== 'storm') {
      log('claim actions, one private Redis, one database:')
      const redis = await startPrivateRedis(teardown)
      actions = { ...none, ...(await claimActions(redis.url)) }
    }
    let storms = none
    if (opts.only !== 'actions') {
      log('deadline storm, workers in this process (16 jobs at once):')
      storms = { ...none, ...(await deadlineStorms()) }
    }

    log('\nsummary:')
    actions.one.forEach((one, i) => {
      const two = actions.two[i] as number
      log(`  round ${i + 1}: one API ${fmt(one)}/s, two APIs ${fmt(two)}/s, two ÷ one = ${fmt(two / one, 2)}`)
    })
    if (actions.one.length > 0) log(`  median: two ÷ one = ${fmt(median(actions.two) / median(actions.one), 2)}`)
    storms.single.forEach((single, i) => {
      const cluster = storms.cluster[i] as number
      log(
        `  storm round ${i + 1}: single ${fmt(single, 2)} s, cluster ${fmt(cluster, 2)} s, cluster ÷ single = ${fmt(cluster / single, 2)} (target ≤ 1.20)`,
      )
    })
  } finally {
    await Promise.all(runningServers().map((s) => s.stop(5_000).catch(() => {})))
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => {})
    for (const name of [ACTIONS_DB, STORM_DB]) await dropDatabase(name).catch(() => {})
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all(runningServers().map((s) => s.stop(2_000)))
      .then(async () => {
        for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => {})
        for (const name of [ACTIONS_DB, STORM_DB]) await dropDatabase(name).catch(() => {})
      })
      .finally(() => process.exit(130))
  })
}

await main()
