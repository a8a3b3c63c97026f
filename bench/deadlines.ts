// Deadline benchmark: `npx tsx bench/deadlines.ts`. Uses a database of its own
// (created and dropped here) and a private redis-server on a free port.
//   1. Redis memory per pending deadline, with 100,000 pending deadlines relayed.
//   2. Lateness due → committed transition, p50/p99, deadlines spread over 20 s.
//   3. A storm of 5,000 deadlines due in the same second: time until all applied.
// Targets: ≤ 1 KB per pending deadline, p99 < 1 s, storm ≤ 10 s.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os, { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { sql } from 'kysely'
import { Redis } from 'ioredis'
import { loadConfig, type Config } from '../src/config/config.js'
import { resolvePolicy } from '../src/config/policy.js'
import { createDb, ensureDatabase } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { producerConnection } from '../src/jobs/connection.js'
import { silentLogger } from '../src/shared/logger.js'
import { DEFAULT_QUEUE_PREFIX } from '../src/jobs/names.js'
import { closeQueues, createQueues } from '../src/jobs/queues.js'
import { bareServices } from '../test/helpers/services.js'
import { installCommitProbe, lateness, openClaims, seedOrders, waitApplied } from './lib/deadline-storm.js'
import { systemClock } from '../src/shared/clock.js'
import { startWorkers } from '../workers/index.js'
import { relayOnce } from '../workers/relay.js'

// Sizes can be lowered for a quick run: BENCH_PENDING=1000 BENCH_SPREAD=200 BENCH_STORM=500.
const PENDING = Number(process.env.BENCH_PENDING ?? 100_000)
const SPREAD = Number(process.env.BENCH_SPREAD ?? 2_000)
const STORM = Number(process.env.BENCH_STORM ?? 5_000)
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

async function privateRedis() {
  const port = await freePort()
  const dir = mkdtempSync(path.join(tmpdir(), 'claimdesk-bench-redis-'))
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  )
  const client = new Redis({ port, maxRetriesPerRequest: 3 })
  // The first pings race the server's start-up: refusals until it listens are expected, not news.
  client.on('error', () => {})
  for (let i = 0; i < 100 && (await client.ping().catch(() => null)) !== 'PONG'; i += 1) await sleep(50)
  return {
    url: `redis://127.0.0.1:${port}`,
    client,
    async stop() {
      client.disconnect()
      child.kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1])
}

async function main() {
  const name = `claimdesk_bench_${randomBytes(4).toString('hex')}`
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  await ensureDatabase(url.toString())
  const db = createDb(url.toString(), { max: 24 })
  const redis = await privateRedis()
  // seller_response shorter than reminder_before: no reminders muddle the timing phases.
  const config: Config = {
    ...loadConfig({ NODE_ENV: 'test', DATABASE_URL: url.toString(), REDIS_URL: redis.url }),
    policy: resolvePolicy({ seller_response: 'PT12H' }),
  }
  const out: string[] = []
  const report = (line: string) => {
    out.push(line)
    console.log(line)
  }
  const seed = new pg.Client({ connectionString: url.toString() })
  await seed.connect()
  try {
    await migrateToLatest(db)
    await installCommitProbe(db)

    // 1. Memory: 100k pending deadlines (due in 5–15 days, like real ones), relayed into Redis.
    await seedOrders(seed, 'mem', PENDING)
    const template = bareServices(db, { policy: config.policy, pseudonymSecret: config.pseudonymSecret })
    const first = await template.openClaim.open(
      { id: 'buyer-1', role: 'buyer' },
      {
        order_id: 'mem-1',
        line_id: 'l1',
        reason: 'not_as_described',
        description: 'Leaks.',
        requested_resolution: 'refund',
      },
    )
    await seed.query(
      `insert into claims (order_id, line_id, buyer_id, seller_id, sku, scheme, currency, line_total, reason, requested_resolution, description, state, snapshot, machine_version, version)
       select o.id, 'l1', o.buyer_id, o.seller_id, 'SKU', 'FBS', 'RUB', 250000, 'not_as_described', 'refund', 'Leaks.', 'awaiting_seller', c.snapshot, c.machine_version, 1
       from orders o cross join (select snapshot, machine_version from claims where id = $1) c where o.id like 'mem-%' and o.id <> 'mem-1'`,
      [first.id],
    )
    await seed.query(
      `insert into deadlines (claim_id, kind, due_at, on_expiry, claim_version)
       select id, 'seller_response', now() + interval '5 days' + random() * interval '10 days', 'escalate', 1 from claims where id <> $1`,
      [first.id],
    )
    await seed.query(
      `insert into outbox (topic, payload) select 'deadline.schedule', json_build_object('deadline_id', id::text)::jsonb from deadlines where claim_id <> $1`,
      [first.id],
    )
    const producer = producerConnection(config)
    const queues = createQueues(producer, DEFAULT_QUEUE_PREFIX)
    const before = await usedMemory(redis.client)
    const relayStarted = Date.now()
    const ctx = {
      db,
      policy: config.policy,
      clock: systemClock,
      deadlines: template.claimDeadlines,
      queues,
      logger: silentLogger,
    }
    while ((await relayOnce(ctx, { batchSize: 1_000 })) > 0) {
      /* drain */
    }
    const relayMs = Date.now() - relayStarted
    const after = await usedMemory(redis.client)
    const pending = Number(
      (await sql<{ n: string }>`select count(*) as n from deadlines where status = 'pending'`.execute(db)).rows[0]?.n,
    )
    const jobs = await queues.deadlines.getDelayedCount()
    const sampleKey = `${DEFAULT_QUEUE_PREFIX}:deadlines:deadline-${(await db.selectFrom('deadlines').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()).id}`
    report(
      `memory: ${pending} pending deadlines, ${jobs} delayed jobs, Redis +${((after - before) / 1024 / 1024).toFixed(1)} MiB = ${((after - before) / pending).toFixed(0)} bytes per pending deadline (target ≤ 1024); job hash ${await redis.client.memory('USAGE', sampleKey)} bytes (${await redis.client.object('ENCODING', sampleKey)})`,
    )
    report(
      `relay: ${pending} outbox rows → jobs in ${(relayMs / 1000).toFixed(1)} s (${Math.round(pending / (relayMs / 1000))}/s)`,
    )
    await closeQueues(queues)
    producer.disconnect()

    const workers = await startWorkers({ config, db, concurrency: Number(process.env.BENCH_WORKER_CONCURRENCY ?? 16) })
    try {
      // 2. Lateness: 2,000 deadlines spread over 20 s, starting 40 s from now (time to open them).
      await seedOrders(seed, 'spread', SPREAD)
      const t0 = Date.now() + 40_000
      await openClaims(db, config, 'spread', SPREAD, (i) => t0 + Math.floor((i / SPREAD) * 20_000))
      if (Date.now() > t0) report('warning: opening the spread claims overran the first due time')
      const spreadOk = await waitApplied(db, SPREAD, 60_000)
      const s = await lateness(db, 'spread')
      report(
        `lateness (${s.n}/${SPREAD} applied${spreadOk ? '' : ', INCOMPLETE'}): p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, max ${s.max.toFixed(0)} ms (target p99 < 1000)`,
      )

      // 3. Storm: 5,000 deadlines due within the same second.
      await seedOrders(seed, 'storm', STORM)
      const second = Math.ceil((Date.now() + 30_000) / 1000) * 1000
      await openClaims(db, config, 'storm', STORM, (i) => second + (i % 1000))
      if (Date.now() > second) report('warning: opening the storm claims overran the storm second')
      const cpu = process.cpuUsage()
      const wall = Date.now()
      const stormOk = await waitApplied(db, SPREAD + STORM, 60_000)
      const used = process.cpuUsage(cpu)
      report(
        `storm: this process used ${(((used.user + used.system) / 1000 / (Date.now() - wall)) * 100).toFixed(0)}% of one CPU while waiting (workers run in-process); host has ${os.cpus().length} CPUs, load ${os.loadavg()[0]?.toFixed(1)}`,
      )
      const st = await lateness(db, 'storm')
      report(
        `storm: ${st.n}/${STORM} due in one second applied${stormOk ? '' : ' (INCOMPLETE)'} ${((st.lastCommit - second) / 1000).toFixed(2)} s after the second began (target ≤ 10 s); lateness p50 ${st.p50.toFixed(0)} ms, p99 ${st.p99.toFixed(0)} ms`,
      )
    } finally {
      await workers.close()
    }
  } finally {
    await seed.end()
    await db.destroy()
    await redis.stop()
    const admin = new pg.Client({ connectionString: ADMIN_URL })
    await admin.connect()
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

await main()
