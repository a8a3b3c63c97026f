// The sellers' view at scale: claim lists with filters and seller statistics
// over a million claims, measured against the real service code.
//
//   npx tsx bench/scale.ts [--claims 1000000] [--sellers 1000] [--big 120000]
//                          [--samples 200] [--stats-samples 30] [--explain] [--keep] [--reuse] [--only <regex>]
//
// 1. Creates claimdesk_scale (dropped first; --reuse keeps a loaded one),
//    migrates it and bulk-loads with INSERT … SELECT generate_series (no extra
//    dependency): --claims claims across --sellers sellers, seller s0000
//    holding --big of them (most in the last 90 days, the rest over two
//    years) and the others a skewed share; 1.5 orders per claim with two lines
//    each (the order-volume rollup built once after, triggers off meanwhile);
//    a settled deadline per claim and a pending one per open claim;
//    violations. Then VACUUM ANALYZE.
// 2. Times, sequentially after a warm-up, ClaimsService.list() (the whole
//    GET /v1/claims handler minus HTTP: query, photos lookup skipped, views)
//    for first pages under each filter and sort, a later page, and
//    StatsService.stats() for the big seller's last 90 and 365 days; then
//    StatsService.exportCsv() throughput. Prints p50/p99 against the targets
//    (first page p99 < 50 ms; 90-day stats < 300 ms).
// 3. --explain prints EXPLAIN (ANALYZE, BUFFERS) of the SQL each case ran.
// Drops the database at the end unless --keep.
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import { initialTransition } from 'xstate'
import pg from 'pg'
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely'
import { claimMachine, MACHINE_VERSION } from '../machines/claim.machine.js'
import { resolvePolicy } from '../src/config/policy.js'
import type { Database } from '../src/db/schema.js'
import { migrateToLatest } from '../src/db/migrate.js'
import type { Principal } from '../src/auth/principal.js'
import { bareServices } from '../test/helpers/services.js'
import type { ClaimListQueryInput } from '../src/domain/claims/claim-list-query.js'
import { machinePolicy, storeSnapshot } from '../src/domain/claims/claim-snapshot.js'
import { ADMIN_URL, databaseUrl, dropDatabase, recreateDatabase } from './lib/pg-admin.js'
import { fmt, summarize } from './lib/stats.js'

const DB_NAME = 'claimdesk_scale'
const { values: opts } = parseArgs({
  options: {
    claims: { type: 'string', default: '1000000' },
    sellers: { type: 'string', default: '1000' },
    big: { type: 'string' },
    samples: { type: 'string', default: '200' },
    'stats-samples': { type: 'string', default: '30' },
    explain: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
})
const N = Number(opts.claims)
const SELLERS = Number(opts.sellers)
const BIG = Number(opts.big ?? Math.floor(N * 0.12))
const SAMPLES = Number(opts.samples)
const STATS_SAMPLES = Number(opts['stats-samples'])

const log = (...args: unknown[]) => console.log(...args)
const secs = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`

async function load(pool: pg.Pool): Promise<void> {
  const policy = resolvePolicy({})
  const [snapshot] = initialTransition(claimMachine, {
    line_total: 150_000,
    at: Date.now(),
    policy: machinePolicy(policy),
  })
  const stored = storeSnapshot(snapshot)
  const q = async (label: string, text: string, values: unknown[] = []) => {
    const t0 = performance.now()
    const res = await pool.query(text, values)
    log(`  ${label}: ${res.rowCount ?? 0} rows, ${secs(t0)}`)
  }
  // One row per claim: who, when, and the dice the other tables read.
  // The big seller (0): 85% of its claims in the last 90 days, the rest over two years.
  // The other sellers: a skewed share (seller k gets about 1/k²-ish more than the last).
  await q(
    'spec',
    `create unlogged table bench_spec as
     select i,
       s as seller,
       case when s = 0 and r0 < 0.85 then now() - random() * interval '90 days'
            else now() - random() * interval '730 days' end as created_at,
       random() as r1, random() as r2, random() as r3, random() as r4, random() as r5
     from (select i, random() as r0,
             case when i < $2 then 0 else 1 + floor(power(random(), 2) * ($3 - 1))::int end as s
           from generate_series(0, $1 - 1) i) g`,
    [N, BIG, SELLERS],
  )
  await q('spec pk', `alter table bench_spec add primary key (i)`)
  // Bulk load: the order-volume triggers are off and the rollup is built once afterwards, as the migration's backfill does.
  await q('triggers off', 'alter table orders disable trigger user; alter table order_lines disable trigger user')
  const sellerId = `'s' || lpad(seller::text, 4, '0')`
  const sku = (r: string) => `'SKU-' || seller || '-' || floor(power(${r}, 3) * 400)::int`
  // Claimed orders (delivered 1–10 days before the claim) and as many half again unclaimed.
  await q(
    'orders',
    `insert into orders (id, buyer_id, seller_id, scheme, currency, delivered_at, created_at, updated_at)
     select 'o' || i, 'b' || floor(r5 * 300000)::int, ${sellerId}, (array['FBO','FBS','DBS'])[1 + floor(r4 * 3)::int], 'RUB',
            created_at - (1 + r3 * 9) * interval '1 day', created_at - interval '12 days', created_at
     from bench_spec
     union all
     select 'u' || i, 'b' || floor(r4 * 300000)::int, ${sellerId}, 'FBS', 'RUB',
            created_at - r2 * interval '3 days', created_at - interval '5 days', created_at
     from bench_spec where r1 < 0.5`,
  )
  await q(
    'order lines',
    `insert into order_lines (order_id, id, sku, title, quantity, unit_price)
     select 'o' || i, 'l1', ${sku('r2')}, 'Item', 1, 150000 from bench_spec
     union all select 'o' || i, 'l2', ${sku('r3')}, 'Item', 1 + floor(r4 * 3)::int, 90000 from bench_spec
     union all select 'u' || i, 'l1', ${sku('r3')}, 'Item', 1, 150000 from bench_spec where r1 < 0.5
     union all select 'u' || i, 'l2', ${sku('r4')}, 'Item', 2, 90000 from bench_spec where r1 < 0.5`,
  )
  await q(
    'order volume rollup',
    `insert into sku_delivered_lines (seller_id, day, sku, lines)
     select o.seller_id, (o.delivered_at at time zone 'UTC')::date, l.sku, count(*)
     from orders o join order_lines l on l.order_id = o.id where o.delivered_at is not null group by 1, 2, 3`,
  )
  await q('triggers on', 'alter table orders enable trigger user; alter table order_lines enable trigger user')
  // States: recent claims are often open, old ones almost all final.
  await q(
    'claims',
    `insert into claims (id, order_id, line_id, buyer_id, seller_id, sku, scheme, currency, line_total, reason,
                         requested_resolution, description, state, arbiter_status, priority, overdue, snapshot, machine_version,
                         version, resolution_type, decided_by, first_response_at, escalated_at, created_at, updated_at, closed_at)
     select gen_random_uuid(), 'o' || i, 'l1', 'b' || floor(r5 * 300000)::int, ${sellerId}, ${sku('r2')},
            (array['FBO','FBS','DBS'])[1 + floor(r4 * 3)::int], 'RUB', 150000,
            (array['defect','missing_part','wrong_item','damaged_in_transit','not_as_described'])[1 + floor(r1 * 5)::int],
            'refund', 'The item arrived broken, see the photos.', st.state,
            case when st.state = 'escalated' then 'unassigned' end, 0,
            st.state = 'escalated' and r5 < 0.3, $1::jsonb, $2, 3,
            dec.resolution_type, dec.decided_by,
            case when r3 < 0.8 then created_at + r4 * interval '3 days' end,
            case when st.state = 'escalated' or dec.decided_by = 'arbiter' then created_at + interval '10 days' end,
            created_at, created_at,
            case when st.state in ('resolved','closed','withdrawn') then created_at + interval '12 days' end
     from bench_spec
     cross join lateral (select case
         when created_at > now() - interval '25 days' and r5 < 0.6
           then (array['awaiting_seller','awaiting_buyer_info','offer_pending','rejected','escalated','awaiting_return','fulfilling','awaiting_receipt'])[1 + floor(r2 * 8)::int]
         when r5 < 0.02 then 'escalated'
         else (array['resolved','resolved','resolved','resolved','closed','withdrawn'])[1 + floor(r4 * 6)::int] end as state) st
     cross join lateral (select
         case when st.state <> 'resolved' then null when r1 * 7 - floor(r1 * 7) < 0.7 then 'seller' when r1 * 7 - floor(r1 * 7) < 0.85 then 'buyer'
              when r1 * 7 - floor(r1 * 7) < 0.95 then 'arbiter' else 'system' end as decided_by) d0
     cross join lateral (select d0.decided_by,
         case when d0.decided_by is null then null when d0.decided_by = 'arbiter' and r3 < 0.3 then 'claim_rejected' else 'refund' end as resolution_type) dec`,
    [stored, MACHINE_VERSION],
  )
  await q(
    'deadlines',
    `insert into deadlines (claim_id, kind, due_at, on_expiry, status, claim_version, created_at, settled_at)
     select id, 'seller_response', created_at + interval '10 days', 'escalate', 'cancelled', 1, created_at, created_at + interval '1 day'
     from claims
     union all
     select id, case state when 'escalated' then 'arbiter_decision' else 'seller_response' end,
            created_at + interval '10 days' + (random() * 10) * interval '1 day', 'escalate', 'pending', 3, created_at, null
     from claims where state not in ('resolved', 'closed', 'withdrawn') and not overdue`,
  )
  // What each transition keeps on the claim row: its earliest pending deadline.
  await q(
    'claims.next_due_at',
    `update claims set next_due_at = d.due
     from (select claim_id, min(due_at) as due from deadlines where status = 'pending' group by claim_id) d
     where d.claim_id = claims.id`,
  )
  await q(
    'violations',
    `insert into violations (party_role, party_id, rule, excerpt, hint, source, fine_amount, currency, status, created_at)
     select 'seller', 's' || lpad(floor(power(random(), 2) * $1)::int::text, 4, '0'), 'contact_exchange', 'excerpt', 'hint', 'chat',
            2500000, 'RUB', case when random() < 0.1 then 'cancelled' else 'recorded' end, now() - random() * interval '730 days'
     from generate_series(1, $2)`,
    [SELLERS, Math.max(1000, Math.floor(N / 20))],
  )
  await q('drop spec', 'drop table bench_spec')
  const t0 = performance.now()
  await pool.query('vacuum analyze')
  log(`  vacuum analyze: ${secs(t0)}`)
}

interface Case {
  name: string
  target?: number
  run: () => Promise<unknown>
}

async function main(): Promise<void> {
  const url = databaseUrl(DB_NAME)
  const exists = await (async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL })
    await c.connect()
    try {
      return ((await c.query('select 1 from pg_database where datname = $1', [DB_NAME])).rowCount ?? 0) > 0
    } finally {
      await c.end()
    }
  })()
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  // Every SQL statement the services run, so that --explain can replay them.
  let captured: CompiledQuery[] | null = null
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: async () => pool }),
    log: (event) => {
      if (captured && event.level === 'query') captured.push(event.query)
    },
  })
  try {
    if (!(opts.reuse && exists)) {
      await recreateDatabase(DB_NAME)
      await migrateToLatest(db)
      log(
        `loading ${N.toLocaleString('en')} claims across ${SELLERS} sellers (the big one: ${BIG.toLocaleString('en')}) into ${DB_NAME}`,
      )
      const t0 = performance.now()
      await load(pool)
      log(`  loaded in ${secs(t0)}`)
    } else {
      log(`reusing ${DB_NAME}`)
    }
    const facts = (
      await pool.query(`select (select count(*) from claims)::int as claims, (select count(*) from order_lines)::int as lines,
        (select count(*) from deadlines)::int as deadlines,
        (select count(*) from claims where seller_id = 's0000')::int as big,
        (select count(*) from claims where seller_id = 's0000' and created_at >= now() - interval '90 days')::int as big90,
        (select count(*) from claims where seller_id = 's0000' and state not in ('resolved','closed','withdrawn'))::int as big_open,
        pg_size_pretty(pg_total_relation_size('claims')) as claims_size`)
    ).rows[0]
    log('data:', facts)
    const { rows: mid } = await pool.query(
      `select seller_id, n from (select seller_id, count(*)::int n from claims group by seller_id) s order by n limit 1 offset ${Math.floor(SELLERS / 2)}`,
    )
    const median = (mid[0]?.seller_id as string | undefined) ?? 's0500'
    const { rows: skuRows } = await pool.query(
      `select sku, count(*)::int n from claims where seller_id = 's0000' group by sku order by n asc limit 1`,
    )
    const rareSku = skuRows[0]?.sku as string
    log(`median seller ${median} (${mid[0]?.n} claims); a rare SKU of s0000: ${rareSku} (${skuRows[0]?.n} claims)`)

    const policy = resolvePolicy({})
    const { claims, stats } = bareServices(db, { policy, pseudonymSecret: 'bench' })
    const big: Principal = { role: 'seller', id: 's0000' }
    const med: Principal = { role: 'seller', id: median }
    const day = 86_400_000
    const ago = (days: number) => new Date(Date.now() - days * day).toISOString()
    const list = (p: Principal, q: Partial<ClaimListQueryInput>) => () => claims.list(p, { limit: 50, ...q })
    const secondPage = async (p: Principal, q: Partial<ClaimListQueryInput>) => {
      const first = await claims.list(p, { limit: 50, ...q })
      if (!first.next_cursor) throw new Error('no second page')
      return first.next_cursor
    }
    const cursorDefault = await secondPage(big, {})
    const cursorDue = await secondPage(big, { sort: 'due_at' })
    const LIST = 50
    const cases: Case[] = [
      { name: 'big seller: first page, no filter', target: LIST, run: list(big, {}) },
      { name: 'big seller: page 2 (cursor)', target: LIST, run: list(big, { cursor: cursorDefault }) },
      { name: 'big seller: last 90 days, FBO', target: LIST, run: list(big, { from: ago(90), scheme: 'FBO' }) },
      { name: 'big seller: a year ago, 7 days', target: LIST, run: list(big, { from: ago(365), to: ago(358) }) },
      {
        name: 'big seller: state open (2)',
        target: LIST,
        run: list(big, { state: 'awaiting_seller,awaiting_buyer_info' }),
      },
      {
        name: 'big seller: state=resolved, defect',
        target: LIST,
        run: list(big, { state: 'resolved', reason: 'defect' }),
      },
      { name: 'big seller: a rare SKU', target: LIST, run: list(big, { sku: rareSku }) },
      { name: 'big seller: overdue=true', target: LIST, run: list(big, { overdue: true }) },
      { name: 'big seller: sort=due_at', target: LIST, run: list(big, { sort: 'due_at' }) },
      { name: 'big seller: sort=due_at page 2', target: LIST, run: list(big, { sort: 'due_at', cursor: cursorDue }) },
      { name: 'big seller: overdue, sort=due_at', target: LIST, run: list(big, { overdue: true, sort: 'due_at' }) },
      { name: 'median seller: first page', target: LIST, run: list(med, {}) },
      {
        name: 'median seller: sku + reason',
        target: LIST,
        run: list(med, { reason: 'wrong_item', sku: `SKU-${median.slice(1).replace(/^0+/, '')}-0` }),
      },
      { name: 'arbiter: escalated (default)', target: LIST, run: list({ role: 'arbiter', id: 'a' }, {}) },
      {
        name: 'arbiter: overdue, sort=due_at',
        target: LIST,
        run: list({ role: 'arbiter', id: 'a' }, { overdue: true, sort: 'due_at' }),
      },
      { name: 'service: all, newest', target: LIST, run: list({ role: 'service', id: 'm' }, {}) },
      { name: 'service: all, sort=due_at', target: LIST, run: list({ role: 'service', id: 'm' }, { sort: 'due_at' }) },
    ]
    const statsCases: Case[] = [
      { name: 'big seller: stats, last 90 days', target: 300, run: () => stats.stats(big, 'me', { from: ago(90) }) },
      { name: 'big seller: stats, last 365 days', run: () => stats.stats(big, 'me', { from: ago(365) }) },
      { name: 'median seller: stats, last 90 days', target: 300, run: () => stats.stats(med, 'me', { from: ago(90) }) },
    ]

    if (opts.only) {
      const only = new RegExp(opts.only, 'i')
      for (const list of [cases, statsCases]) list.splice(0, list.length, ...list.filter((c) => only.test(c.name)))
    }
    const measure = async (c: Case, samples: number) => {
      for (let i = 0; i < 5; i++) await c.run()
      const times: number[] = []
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now()
        await c.run()
        times.push(performance.now() - t0)
      }
      const s = summarize(times)
      const verdict =
        c.target === undefined ? '' : s.p99 < c.target ? `  ok (< ${c.target} ms)` : `  MISSED (target ${c.target} ms)`
      log(
        `${c.name.padEnd(40)} p50 ${fmt(s.p50).padStart(7)} ms  p99 ${fmt(s.p99).padStart(7)} ms  max ${fmt(s.max).padStart(7)} ms${verdict}`,
      )
      return s
    }
    log(`\nfirst pages (limit 50, ClaimsService.list: SQL + claim views), ${SAMPLES} samples each`)
    for (const c of cases) await measure(c, SAMPLES)
    log(`\nstatistics (StatsService.stats), ${STATS_SAMPLES} samples each`)
    const s90 = await stats.stats(big, 'me', { from: ago(90) })
    log(`  (the big seller's 90 days hold ${s90.claims.toLocaleString('en')} claims, ${s90.skus} SKUs)`)
    for (const c of statsCases) await measure(c, STATS_SAMPLES)

    log('\nCSV export (StatsService.exportCsv, pg cursor), big seller, last 90 days')
    {
      const t0 = performance.now()
      const rss0 = process.memoryUsage().rss
      let bytes = 0
      let rows = 0
      let peak = rss0
      for await (const chunk of await stats.exportCsv(big, { from: ago(90) })) {
        bytes += (chunk as Buffer).length
        rows += (chunk as Buffer).toString().split('\r\n').length - 1
        peak = Math.max(peak, process.memoryUsage().rss)
      }
      const ms = performance.now() - t0
      log(
        `  ${(rows - 1).toLocaleString('en')} rows, ${(bytes / 1e6).toFixed(1)} MB in ${fmt(ms)} ms (${Math.round(((rows - 1) / ms) * 1000).toLocaleString('en')} rows/s); RSS grew ${((peak - rss0) / 1e6).toFixed(1)} MB`,
      )
    }

    if (opts.explain) {
      for (const c of [...cases, ...statsCases]) {
        captured = []
        await c.run()
        const queries = captured as CompiledQuery[]
        captured = null
        log(`\n=== ${c.name}`)
        for (const query of queries) {
          const plan = await pool.query(`explain (analyze, buffers) ${query.sql}`, [...query.parameters])
          const lines = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN'] as string)
          log(lines.join('\n'))
        }
      }
    }
  } finally {
    await db.destroy()
    if (!opts.keep) await dropDatabase(DB_NAME)
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
