// The partitioning migration on a database with rows: every row kept, in its
// month, ids counting on; down gives the plain tables back with the same rows,
// and up again partitions them once more.
import t from 'tap'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { FileMigrationProvider, Migrator, sql } from 'kysely'
import { MIGRATIONS_DIR, migrateToLatest } from '../../src/db/migrate.js'
import type { Db } from '../../src/db/database.js'
import { createTestDatabase } from '../helpers/database.js'

const PARTITIONS = '20261206100000_feed_partitions'
const TABLES = ['feed_events', 'webhook_deliveries', 'webhook_attempts'] as const

/** Each table's rows as text, by id, with the partition each is in. */
async function snapshot(db: Db) {
  const out: Record<string, Array<{ id: string; part: string; row: string }>> = {}
  for (const table of TABLES) {
    const r = await sql<{ id: string; part: string; row: string }>`
      select id::text, tableoid::regclass::text as part, row(${sql.raw(rowColumns(table))})::text as row
      from ${sql.table(table)} order by id`.execute(db)
    out[table] = r.rows
  }
  return out
}

/** The columns the plain tables had, so rows compare across the migration. */
function rowColumns(table: (typeof TABLES)[number]): string {
  switch (table) {
    case 'feed_events':
      return 'id, txid, type, claim_id, thread_id, buyer_id, seller_id, source_id, data, occurred_at, created_at'
    case 'webhook_deliveries':
      return 'id, webhook_id, feed_event_id, event_type, status, attempts, replays, started_at, enqueued_at, last_status_code, last_error, completed_at, created_at, updated_at'
    case 'webhook_attempts':
      return 'id, delivery_id, attempt, status_code, duration_ms, error, created_at'
  }
}

const relkind = async (db: Db, table: string) =>
  (await sql<{ k: string }>`select relkind::text as k from pg_class where oid = ${table}::regclass`.execute(db))
    .rows[0]!.k

t.test('up keeps every row in its month and the ids counting; down and up again keep them too', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  const db = database.db
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
  })
  const all = (await migrator.getMigrations()).map((m) => m.name)
  const before = all[all.indexOf(PARTITIONS) - 1]!
  const down = await migrator.migrateTo(before)
  t.equal(down.error, undefined)
  t.match(down.results?.at(-1), { migrationName: PARTITIONS, direction: 'Down', status: 'Success' })
  for (const table of TABLES) t.equal(await relkind(db, table), 'r', `${table} is a plain table`)

  // Rows in October and now; one delivery whose event was pruned long ago.
  await sql`insert into feed_events (type, source_id, data, occurred_at, created_at) values
    ('claim.event', 'a', '{"n": 1}', '2026-10-05T10:00Z', '2026-10-05T10:00Z'),
    ('chat.message', 'b', '{"n": 2}', '2026-10-31T23:59:59Z', '2026-10-31T23:59:59Z'),
    ('claim.event', 'c', '{"n": 3}', now(), now())`.execute(db)
  const hook = await sql<{
    id: string
  }>`insert into webhooks (owner_role, owner_id, url, event_types, secret, cursor_txid)
    values ('service', 'marketplace', 'https://example.test/h', '{*}', 's', '0') returning id`.execute(db)
  const webhookId = hook.rows[0]!.id
  await sql`insert into webhook_deliveries (webhook_id, feed_event_id, event_type, status, completed_at, created_at)
    select ${webhookId}::uuid, id, type, 'succeeded', created_at, created_at from feed_events`.execute(db)
  await sql`insert into webhook_deliveries (webhook_id, feed_event_id, event_type, status, created_at)
    values (${webhookId}::uuid, 999999, 'claim.event', 'failed', '2026-09-20T00:00Z')`.execute(db)
  await sql`insert into webhook_attempts (delivery_id, attempt, status_code, duration_ms)
    select id, 1, 200, 7 from webhook_deliveries`.execute(db)
  const plain = await snapshot(db)

  t.same(await migrateToLatest(db), all.slice(all.indexOf(PARTITIONS)))
  for (const table of TABLES) t.equal(await relkind(db, table), 'p', `${table} is partitioned`)
  const partitioned = await snapshot(db)
  for (const table of TABLES)
    t.same(
      partitioned[table]!.map((r) => [r.id, r.row]),
      plain[table]!.map((r) => [r.id, r.row]),
      `${table}: the same rows`,
    )
  const month = (await sql<{ m: string }>`select to_char(now() at time zone 'UTC', 'YYYY_MM') as m`.execute(db))
    .rows[0]!.m
  t.same(
    partitioned.feed_events!.map((r) => r.part),
    ['feed_events_2026_10', 'feed_events_2026_10', `feed_events_${month}`],
    'events in their months',
  )
  t.same(
    partitioned.webhook_deliveries!.map((r) => r.part),
    [
      'webhook_deliveries_2026_10',
      'webhook_deliveries_2026_10',
      `webhook_deliveries_${month}`,
      'webhook_deliveries_2026_09',
    ],
    'deliveries in their events’ months; the one without its event in its own',
  )
  t.same(
    partitioned.webhook_attempts!.map((r) => r.part.replace('attempts', 'deliveries')),
    partitioned.webhook_deliveries!.map((r) => r.part),
    'attempts in their deliveries’ months',
  )

  const next = await sql<{ f: string; d: string; a: string }>`
    with f as (insert into feed_events (type, source_id, data, occurred_at) values ('claim.event', 'd', '{}', now()) returning id, created_at),
    d as (insert into webhook_deliveries (webhook_id, feed_event_id, event_type, event_created_at)
      select ${webhookId}::uuid, id, 'claim.event', created_at from f returning id, event_created_at),
    a as (insert into webhook_attempts (delivery_id, attempt, duration_ms, event_created_at)
      select id, 1, 1, event_created_at from d returning id)
    select (select id::text from f) as f, (select id::text from d) as d, (select id::text from a) as a`.execute(db)
  t.equal(next.rows[0]!.f, String(Number(plain.feed_events!.at(-1)!.id) + 1), 'feed ids count on')
  t.equal(next.rows[0]!.d, String(Number(plain.webhook_deliveries!.at(-1)!.id) + 1), 'delivery ids count on')
  t.equal(next.rows[0]!.a, String(Number(plain.webhook_attempts!.at(-1)!.id) + 1), 'attempt ids count on')
  await t.rejects(
    sql`insert into webhook_deliveries (webhook_id, feed_event_id, event_type, event_created_at)
      select webhook_id, feed_event_id, event_type, event_created_at from webhook_deliveries where id = ${next.rows[0]!.d}::bigint`.execute(
      db,
    ),
    /duplicate key value violates unique constraint/,
    'a delivery per webhook and event, once',
  )
  const withNew = await snapshot(db)

  const again = await migrator.migrateTo(before)
  t.equal(again.error, undefined, 'down with rows')
  for (const table of TABLES) t.equal(await relkind(db, table), 'r', `${table} is plain again`)
  const back = await snapshot(db)
  for (const table of TABLES)
    t.same(
      back[table]!.map((r) => [r.id, r.row]),
      withNew[table]!.map((r) => [r.id, r.row]),
      `${table}: the same rows after down`,
    )
  await sql`delete from webhook_deliveries where id = ${next.rows[0]!.d}::bigint`.execute(db)
  t.equal(
    Number((await sql<{ n: string }>`select count(*) as n from webhook_attempts`.execute(db)).rows[0]!.n),
    plain.webhook_attempts!.length,
    'the plain foreign key cascades again',
  )
  t.same(await migrateToLatest(db), all.slice(all.indexOf(PARTITIONS)), 'and up again')
  for (const table of TABLES) t.equal(await relkind(db, table), 'p')
})
