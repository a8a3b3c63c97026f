// Growth of the append-only tables: what a month of a large marketplace costs
// in table and index size, and what retention costs: row deletes on the tables
// kept for good, the housekeeping's drop of a month's partition on the feed and
// the webhook delivery log (partitioned by month since
// migrations/20261206100000_feed_partitions.ts).
//
//   npx tsx bench/growth.ts [--fraction 0.05] [--keep-server]
//
// A month of the large marketplace is 1,000,000 claims and 20,000,000
// messages. Per claim: 4 claim events, 20 messages (15 party texts, 1
// reminder, 4 system notices of transitions), so 20 feed events (every claim
// event, text and reminder), one webhook delivery per feed event (the
// marketplace subscribed to everything) and 1.05 attempts per delivery.
// --fraction scales that down (the machine is small and shared); sizes and
// times are then extrapolated linearly, which the output says.
//
// 1. Starts a private PostgreSQL 15 (test/workers/helpers/postgres.ts, on
//    PRIVATE_PORTS if set): its WAL counter then counts this bench only.
//    Migrates it and bulk-loads two months (INSERT … SELECT generate_series,
//    in time order, with the indexes in place; triggers and foreign-key
//    checks off through session_replication_role, the feed rows built in
//    the triggers' shape).
// 2. Prints per table rows, heap, indexes and bytes per row for one month,
//    and the month at full scale.
// 3. Retention: the housekeeping's own dropExpiredFeedMonth and
//    dropExpiredDeliveryMonth on the real tables drop the oldest calendar
//    month past the 30-day retention (the loaded rows start 60 days back, so
//    that month holds what of it falls in the loaded window), with its time
//    and WAL; for the tables without a retention policy, batched deletes of
//    10,000 rows, with their time, WAL, the disk they keep and the VACUUM
//    they leave behind.
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createDb, type Db } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import {
  dropExpiredDeliveryMonth,
  dropExpiredFeedMonth,
  monthPartitions,
  type PartitionedTable,
} from '../src/domain/feed/partitions.repository.js'
import { startPrivatePostgres } from '../test/workers/helpers/postgres.js'
import { fmt } from './lib/stats.js'

const { values: opts } = parseArgs({ options: { fraction: { type: 'string', default: '0.05' } } })
const FRACTION = Number(opts.fraction)
if (!(FRACTION > 0 && FRACTION <= 1)) throw new Error(`--fraction must be in (0, 1], got ${opts.fraction}`)
const CLAIMS_PER_MONTH = Math.round(1_000_000 * FRACTION)
const MONTH_DAYS = 30
const RETENTION_MS = MONTH_DAYS * 24 * 3600_000

const log = (...args: unknown[]) => console.log(...args)
const mib = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MiB`
const gib = (bytes: number) => `${fmt(bytes / 1024 / 1024 / 1024, 2)} GiB`

const TABLES = ['claim_events', 'messages', 'feed_events', 'webhook_deliveries', 'webhook_attempts'] as const

const cleanups: (() => unknown)[] = []
const teardown = { teardown: (fn: () => unknown) => void cleanups.push(fn) }

async function timed(pool: pg.Pool, label: string, text: string, values: unknown[] = []): Promise<void> {
  const t0 = performance.now()
  const res = await pool.query(text, values)
  log(`  ${label}: ${res.rowCount ?? 0} rows, ${fmt((performance.now() - t0) / 1000)} s`)
}

/**
 * Two months, claim by claim: the older month ends 30 days ago (past the
 * retention), the newer one is the last 30 days. Rows go in time order, as
 * they would arrive.
 */
async function load(pool: pg.Pool, client: pg.PoolClient): Promise<void> {
  await client.query('set session_replication_role = replica') // no triggers, no FK checks: the parents are not loaded
  const q = async (label: string, text: string, values: unknown[] = []) => {
    const t0 = performance.now()
    const res = await client.query(text, values)
    log(`  ${label}: ${res.rowCount ?? 0} rows, ${fmt((performance.now() - t0) / 1000)} s`)
  }
  await q(
    'spec',
    `create unlogged table bench_claims as
     select i, gen_random_uuid() as claim_id, gen_random_uuid() as thread_id,
       now() - interval '${2 * MONTH_DAYS} days' + (i::float8 / $1) * interval '${2 * MONTH_DAYS} days' as opened_at,
       'b' || floor(random() * 300000)::int as buyer_id, 's' || lpad(floor(random() * 5000)::int::text, 4, '0') as seller_id,
       'o' || i as order_id
     from generate_series(0, $1 - 1) i`,
    [2 * CLAIMS_PER_MONTH],
  )
  const steps = `(values (0, 'open', null, 'awaiting_seller', 'buyer'), (1, 'request_info', 'awaiting_seller', 'awaiting_buyer_info', 'seller'),
    (2, 'provide_info', 'awaiting_buyer_info', 'awaiting_seller', 'buyer'), (3, 'accept_refund', 'awaiting_seller', 'resolved', 'seller'))
    as s(n, action, from_state, to_state, role)`
  await q(
    'claim_events',
    `insert into claim_events (claim_id, seq, actor_role, actor_id, action, from_state, to_state, payload, created_at)
     select c.claim_id, s.n + 1, s.role, case when s.role = 'buyer' then c.buyer_id else c.seller_id end, s.action, s.from_state, s.to_state,
       case when s.n = 1 then jsonb_build_object('comment', 'Please send the model number from the label under the base.')
            else '{}'::jsonb end,
       c.opened_at + s.n * interval '1 day'
     from bench_claims c cross join ${steps} order by 9`,
  )
  // 20 messages per claim over its first 4 days: 15 party texts, the 16th a reminder, 17–20 transition notices.
  const texts = `array['Здравствуйте, чайник протекает у основания, фото приложила.', 'Добрый день! Пришлите, пожалуйста, фото этикетки на дне.',
    'The lid does not close and the seal is torn, see the photo.', 'Спасибо, передали на склад, ответим в течение двух дней.',
    'Курьер привёз коробку со вмятиной, внутри трещина на корпусе.', 'Could you confirm the order number on the box?',
    'Готовы вернуть деньги полностью, возврат товара не нужен.', 'Хорошо, жду возврат средств на карту.']`
  await q(
    'messages',
    // seq is the id, as the messages_seq trigger (off here) sets it; ids are drawn in time order.
    `insert into messages (id, seq, thread_id, sender_role, sender_id, kind, text, claim_id, payload, created_at)
     select n, n, thread_id, sender_role, sender_id, kind, text, claim_id, payload, created_at from (
       select nextval(pg_get_serial_sequence('messages', 'id')) as n, s.* from (
         select c.thread_id,
           case when m.k >= 15 then 'system' when m.k % 2 = 0 then 'buyer' else 'seller' end as sender_role,
           case when m.k >= 15 then 'system' when m.k % 2 = 0 then c.buyer_id else c.seller_id end as sender_id,
           case when m.k >= 15 then 'system' else 'text' end as kind,
           case when m.k = 15 then 'Reminder: the seller has one day left to answer.'
                when m.k > 15 then 'The claim moved on: see the claim card.'
                else (${texts})[1 + (m.k + c.i) % 8] end as text,
           c.claim_id,
           case when m.k = 15 then '{"reminder": true, "deadline_kind": "seller_response"}'::jsonb else '{}'::jsonb end as payload,
           c.opened_at + m.k * interval '4.8 hours' as created_at
         from bench_claims c cross join generate_series(0, 19) m(k) order by 8) s) x`,
  )
  // The feed rows the triggers would have written, in the triggers' shape, in time order.
  await q(
    'feed_events',
    `insert into feed_events (type, claim_id, thread_id, buyer_id, seller_id, source_id, data, occurred_at, created_at)
     select type, claim_id, thread_id, buyer_id, seller_id, source_id, data, at, at from (
       select 'claim.event' as type, e.claim_id, null::uuid as thread_id, c.buyer_id, c.seller_id, e.id::text as source_id,
         jsonb_build_object('claim_id', e.claim_id, 'order_id', c.order_id, 'seq', e.seq, 'action', e.action,
           'from_state', e.from_state, 'to_state', e.to_state, 'actor_role', e.actor_role, 'actor_id', e.actor_id,
           'payload', e.payload) as data, e.created_at as at
       from claim_events e join bench_claims c on c.claim_id = e.claim_id
       union all
       select case when m.kind = 'text' then 'chat.message' else 'deadline.reminder' end, m.claim_id, m.thread_id,
         c.buyer_id, c.seller_id, m.id::text,
         case when m.kind = 'text' then jsonb_build_object('message_id', m.id::text, 'thread_id', m.thread_id,
             'order_id', c.order_id, 'claim_id', m.claim_id, 'sender_role', m.sender_role, 'sender_id', m.sender_id, 'text', m.text)
           else (m.payload - 'reminder') || jsonb_build_object('message_id', m.id::text, 'thread_id', m.thread_id,
             'order_id', c.order_id, 'text', m.text) end,
         m.created_at
       from messages m join bench_claims c on c.thread_id = m.thread_id
       where m.kind = 'text' or m.payload->>'reminder' = 'true') f
     order by at`,
  )
  await client.query('set session_replication_role = origin')
  // The marketplace's subscription: active, its cursor past every event (everything dispatched).
  await q(
    'webhook',
    `insert into webhooks (owner_role, owner_id, url, event_types, secret, cursor_txid, cursor_id)
     select 'service', 'marketplace', 'https://marketplace.example/hooks', '{}', 'secret', max(txid), max(id) from feed_events`,
  )
  await client.query('set session_replication_role = replica')
  await q(
    'webhook_deliveries',
    `insert into webhook_deliveries (webhook_id, feed_event_id, event_type, status, attempts, started_at, enqueued_at,
       last_status_code, completed_at, created_at, updated_at, event_created_at)
     select w.id, f.id, f.type, 'succeeded', case when f.id % 20 = 0 then 2 else 1 end, f.created_at, f.created_at,
       200, f.created_at + interval '2 seconds', f.created_at, f.created_at + interval '2 seconds', f.created_at
     from feed_events f cross join (select id from webhooks) w order by f.id`,
  )
  // One attempt per delivery, a failed first attempt (a 503 after 10 s) before every twentieth.
  await q(
    'webhook_attempts',
    `insert into webhook_attempts (delivery_id, attempt, status_code, duration_ms, error, created_at, event_created_at)
     select d.id, a.n, case when a.n < d.attempts then 503 else 200 end, case when a.n < d.attempts then 10000 else 40 + d.id % 200 end,
       case when a.n < d.attempts then 'HTTP 503' end, d.created_at + a.n * interval '1 second', d.event_created_at
     from webhook_deliveries d cross join lateral generate_series(1, d.attempts) a(n) order by d.id, a.n`,
  )
  await client.query('set session_replication_role = origin')
  await timed(pool, 'vacuum analyze', 'vacuum analyze')
}

interface TableSize {
  rows: number
  heap: number
  indexes: number
}

async function sizes(pool: pg.Pool, table: string): Promise<TableSize> {
  const r = await pool.query<{ rows: string; heap: string; indexes: string }>(
    // Over the partitions too (a partitioned table has no storage of its own).
    `select (select count(*) from ${table}) as rows,
       coalesce((select sum(pg_table_size(relid)) from pg_partition_tree($1)), pg_table_size($1)) as heap,
       coalesce((select sum(pg_indexes_size(relid)) from pg_partition_tree($1)), pg_indexes_size($1)) as indexes`,
    [table],
  )
  const row = r.rows[0] as { rows: string; heap: string; indexes: string }
  return { rows: Number(row.rows), heap: Number(row.heap), indexes: Number(row.indexes) }
}

async function walLsn(pool: pg.Pool): Promise<string> {
  return (await pool.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]?.lsn as string
}

async function walSince(pool: pg.Pool, lsn: string): Promise<number> {
  const r = await pool.query<{ bytes: string }>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn) as bytes', [
    lsn,
  ])
  return Number(r.rows[0]?.bytes)
}

interface Cost {
  label: string
  rows: number
  seconds: number
  wal: number
  vacuumSeconds?: number
  vacuumWal?: number
  sizeAfter?: number
}

/** Runs `step` until it deletes nothing, then VACUUMs `tables`; time and WAL of both. */
async function deleteCost(pool: pg.Pool, label: string, tables: string[], step: () => Promise<number>): Promise<Cost> {
  const before = await Promise.all(tables.map((t) => sizes(pool, t)))
  let lsn = await walLsn(pool)
  let t0 = performance.now()
  let rows = 0
  for (let n = await step(); n > 0; n = await step()) rows += n
  const seconds = (performance.now() - t0) / 1000
  const wal = await walSince(pool, lsn)
  lsn = await walLsn(pool)
  t0 = performance.now()
  for (const t of tables) await pool.query(`vacuum ${t}`)
  const vacuumSeconds = (performance.now() - t0) / 1000
  const vacuumWal = await walSince(pool, lsn)
  const after = await Promise.all(tables.map((t) => sizes(pool, t)))
  const total = (s: TableSize[]) => s.reduce((a, b) => a + b.heap + b.indexes, 0)
  log(
    `  ${label}: ${rows} rows in ${fmt(seconds)} s, WAL ${mib(wal)}; VACUUM ${fmt(vacuumSeconds)} s, WAL ${mib(vacuumWal)}; on disk ${mib(total(before))} before, ${mib(total(after))} after (the files keep their size)`,
  )
  return { label, rows, seconds, wal, vacuumSeconds, vacuumWal, sizeAfter: total(after) }
}

/** A plain batched delete of rows older than the cutoff, oldest first, as a retention job on a table without one would run. */
function batchedDelete(pool: pg.Pool, table: string, batch: number): () => Promise<number> {
  return async () => {
    const r = await pool.query(
      `delete from ${table} where id in (select id from ${table} where created_at < now() - interval '${MONTH_DAYS} days' order by id limit ${batch})`,
    )
    return r.rowCount ?? 0
  }
}

/** Runs the housekeeping's drop of `table`'s oldest month; its rows and size before, time and WAL. */
async function monthDropCost(
  pool: pg.Pool,
  db: Db,
  table: PartitionedTable,
  drop: () => Promise<string | null>,
): Promise<Cost> {
  const [oldest] = await monthPartitions(db, table)
  if (!oldest) throw new Error(`${table} has no month partition`)
  const month = await sizes(pool, oldest.name)
  const related =
    table === 'webhook_deliveries' ? await sizes(pool, oldest.name.replace('deliveries', 'attempts')) : null
  const lsn = await walLsn(pool)
  const t0 = performance.now()
  const dropped = await drop()
  const seconds = (performance.now() - t0) / 1000
  const wal = await walSince(pool, lsn)
  if (dropped !== oldest.name) throw new Error(`${table}: expected ${oldest.name} to be dropped, got ${dropped}`)
  const bytes = month.heap + month.indexes + (related ? related.heap + related.indexes : 0)
  const rows = month.rows + (related?.rows ?? 0)
  const label = `${oldest.name}${related ? ' + its attempts' : ''} dropped by the housekeeping`
  log(
    `  ${label}: ${rows} rows in ${fmt(seconds * 1000, 1)} ms, WAL ${fmt(wal / 1024, 1)} KiB, no dead rows, ${mib(bytes)} returned to the file system`,
  )
  return { label, rows, seconds, wal }
}

async function main(): Promise<void> {
  const started = new Date()
  const server = await startPrivatePostgres(teardown)
  const pool = new pg.Pool({ connectionString: server.url, max: 4 })
  const db: Db = createDb(server.url, { max: 4 })
  try {
    await migrateToLatest(db)
    const settings = await pool.query<{ v: string }>(
      "select current_setting('server_version') || ', shared_buffers ' || current_setting('shared_buffers') as v",
    )
    log(
      `growth bench ${started.toISOString()}: PostgreSQL ${settings.rows[0]?.v} (private, fsync off); fraction ${FRACTION} of a month of 1,000,000 claims = ${CLAIMS_PER_MONTH} claims a month, two months loaded`,
    )
    log('load:')
    const client = await pool.connect()
    try {
      // The loaded months' partitions, as the housekeeping would have made them.
      await client.query(`select create_month_partitions(m) from generate_series(0, 3) k,
        lateral (select now() - k * interval '1 month' as m) months
        where date_trunc('month', m, 'UTC') >= date_trunc('month', now() - interval '${2 * MONTH_DAYS} days', 'UTC')`)
      // Autovacuum off on the measured tables (their partitions): the VACUUM each approach leaves behind is timed on its own below.
      for (const t of TABLES) {
        const leaves = await client.query<{ name: string }>(
          'select relid::regclass::text as name from pg_partition_tree($1) where isleaf',
          [t],
        )
        for (const { name } of leaves.rows) await client.query(`alter table ${name} set (autovacuum_enabled = false)`)
      }
      await load(pool, client)
    } finally {
      client.release()
    }

    log(`\nsize of one month (half of what is loaded), and extrapolated ×${fmt(1 / FRACTION, 0)} to the full month:`)
    log(
      '  table               rows/month   heap+toast   indexes   bytes/row (heap, indexes)   full month: rows, heap, indexes',
    )
    let fullTotal = 0
    for (const table of TABLES) {
      const s = await sizes(pool, table)
      const rows = s.rows / 2
      const scale = 1 / FRACTION
      fullTotal += ((s.heap + s.indexes) / 2) * scale
      log(
        `  ${table.padEnd(19)} ${String(rows).padStart(10)}   ${mib(s.heap / 2).padStart(10)}   ${mib(s.indexes / 2).padStart(9)}   ${fmt(s.heap / s.rows, 0).padStart(5)}, ${fmt(s.indexes / s.rows, 0).padStart(4)}                  ${fmt((rows * scale) / 1e6, 1)} M, ${gib((s.heap / 2) * scale)}, ${gib((s.indexes / 2) * scale)}`,
      )
    }
    log(`  all five tables, full month: ${gib(fullTotal)}`)

    log(`\nretention of the older month (${MONTH_DAYS}-day policy):`)
    const drops = [
      await monthDropCost(pool, db, 'feed_events', () => dropExpiredFeedMonth(db, RETENTION_MS)),
      await monthDropCost(pool, db, 'webhook_deliveries', () => dropExpiredDeliveryMonth(db, RETENTION_MS)),
    ]
    const costs: Cost[] = []
    costs.push(
      await deleteCost(
        pool,
        'messages, batched delete of 10,000',
        ['messages'],
        batchedDelete(pool, 'messages', 10_000),
      ),
    )
    costs.push(
      await deleteCost(
        pool,
        'claim_events, batched delete of 10,000',
        ['claim_events'],
        batchedDelete(pool, 'claim_events', 10_000),
      ),
    )
    log(`\nextrapolated to the full month (×${fmt(1 / FRACTION, 0)}, linear: delete and vacuum work per row):`)
    for (const c of costs) {
      const s = 1 / FRACTION
      log(
        `  ${c.label}: ${fmt((c.rows * s) / 1e6, 1)} M rows, delete ${fmt((c.seconds * s) / 60, 1)} min + vacuum ${fmt(((c.vacuumSeconds ?? 0) * s) / 60, 1)} min, WAL ${gib((c.wal + (c.vacuumWal ?? 0)) * s)}`,
      )
    }
    for (const d of drops)
      log(
        `  ${d.label}: ${fmt(d.seconds * 1000, 1)} ms and ${fmt(d.wal / 1024, 1)} KiB of WAL, not extrapolated (checks by index, a catalogue change, the files unlinked: no work per row)`,
      )
  } finally {
    await pool.end()
    await db.destroy()
    for (const fn of cleanups.reverse()) await fn()
  }
}

await main()
