// The pieces of a deadline storm shared by the benches (bench/deadlines.ts,
// bench/scale-out.ts): orders in bulk, claims opened through the service with
// a clock that puts each deadline where the bench wants it, and a commit probe
// that records when each expiry transition commits.
import pg from 'pg'
import { sql } from 'kysely'
import type { Config } from '../../src/config/config.js'
import type { Db } from '../../src/db/database.js'
import { bareServices } from '../../test/helpers/services.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

/** Records when each deadline_expired transition commits (a deferred trigger runs at commit). */
export async function installCommitProbe(db: Db): Promise<void> {
  await sql`create table bench_commits (claim_id uuid, committed_at timestamptz)`.execute(db)
  await sql`create function bench_commit() returns trigger language plpgsql as $$
    begin insert into bench_commits values (new.claim_id, clock_timestamp()); return null; end $$`.execute(db)
  await sql`create constraint trigger bench_commit after insert on claim_events deferrable initially deferred
    for each row when (new.action = 'deadline_expired') execute function bench_commit()`.execute(db)
}

/** Orders with one delivered line each, inserted in bulk (no statement timeout on this client). */
export async function seedOrders(seed: pg.Client, tag: string, n: number): Promise<void> {
  await seed.query(
    `insert into orders (id, buyer_id, seller_id, scheme, currency, delivered_at)
     select $1 || '-' || g, 'buyer-' || g, 'shop-' || (g % 50), 'FBS', 'RUB', now() - interval '2 days' from generate_series(1, $2::int) g`,
    [tag, n],
  )
  await seed.query(
    `insert into order_lines (order_id, id, sku, title, quantity, unit_price)
     select $1 || '-' || g, 'l1', 'SKU-' || (g % 100), 'Kettle', 1, 250000 from generate_series(1, $2::int) g`,
    [tag, n],
  )
}

/** Opens claims i = 1..n through the service, each with a clock that puts its deadline at dueAt(i). */
export async function openClaims(
  db: Db,
  config: Config,
  tag: string,
  n: number,
  dueAt: (i: number) => number,
): Promise<void> {
  const duration = config.policy.seller_response
  let next = 1
  const worker = async () => {
    while (next <= n) {
      const i = next++
      const clock = { now: () => dueAt(i) - duration }
      const service = bareServices(db, {
        policy: config.policy,
        pseudonymSecret: config.pseudonymSecret,
        clock,
      }).openClaim
      await service.open(
        { id: `buyer-${i}`, role: 'buyer' },
        {
          order_id: `${tag}-${i}`,
          line_id: 'l1',
          reason: 'not_as_described',
          description: 'Leaks.',
          requested_resolution: 'refund',
        },
      )
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
}

/** Waits until `total` deadline_expired transitions have committed; counts the probe table only (cheap to poll: no claim scan stealing CPU). */
export async function waitApplied(db: Db, total: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const r = await sql<{ n: number }>`select count(*)::int as n from bench_commits`.execute(db)
    if ((r.rows[0]?.n ?? 0) >= total) return true
    await sleep(100)
  }
  return false
}

export async function lateness(db: Db, tag: string) {
  const r = await sql<{ late_ms: number; committed: Date; due: Date }>`
    select extract(epoch from (c.committed_at - d.due_at)) * 1000 as late_ms, c.committed_at as committed, d.due_at as due
    from bench_commits c join claims k on k.id = c.claim_id
    join deadlines d on d.claim_id = k.id and d.kind = 'seller_response'
    where k.order_id like ${tag + '-%'}`.execute(db)
  const late = r.rows.map((x) => Number(x.late_ms)).sort((a, b) => a - b)
  const lastCommit = Math.max(...r.rows.map((x) => x.committed.getTime()))
  const firstDue = Math.min(...r.rows.map((x) => x.due.getTime()))
  return {
    n: late.length,
    p50: pct(late, 50),
    p99: pct(late, 99),
    max: late.at(-1) ?? NaN,
    min: late[0] ?? NaN,
    lastCommit,
    firstDue,
  }
}
