// The feed and the delivery log are partitioned by month: rows land in their
// month, months are made ahead, and a month past the retention is dropped
// whole only when the feed's guarantees allow (docs/growth.md).
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import {
  dropExpiredDeliveryMonth,
  dropExpiredFeedMonth,
  ensureMonthsAhead,
  monthPartitions,
  type PartitionedTable,
} from '../../src/domain/feed/partitions.repository.js'
import { recordAttempt } from '../../src/domain/webhooks/deliveries.repository.js'
import { dispatchOnce } from '../../src/domain/webhooks/dispatch.js'
import { register } from '../webhooks/helpers.js'
import { runHousekeeping } from '../workers/helpers/housekeeping.js'
import { eventIds, feedTestApp, openClaims, prunedEventId, readAll, readPage, type FeedTestApp } from './helpers/app.js'

const SERVICE: ['service', string] = ['service', 'marketplace']
const P = 'https://claimdesk.dev/problems/'
const TABLES: PartitionedTable[] = ['feed_events', 'webhook_deliveries', 'webhook_attempts']

/** The suffix (YYYY_MM, UTC) of the month `months` from now. */
async function monthSuffix(app: FeedTestApp, months: number): Promise<string> {
  const r = await sql<{ s: string }>`
    select to_char((date_trunc('month', now(), 'UTC') at time zone 'UTC') + ${months}::int * interval '1 month',
      'YYYY_MM') as s`.execute(app.db)
  return r.rows[0]!.s
}

/** A moment in the middle of the month `months` from now. */
const midMonth = (months: number) =>
  sql`(((date_trunc('month', now(), 'UTC') at time zone 'UTC') + ${months}::int * interval '1 month'
    + interval '10 days') at time zone 'UTC')`

async function names(app: FeedTestApp, table: PartitionedTable): Promise<string[]> {
  return (await monthPartitions(app.db, table)).map((p) => p.name)
}

/** Where each feed event lives, by id. */
async function eventPartitions(app: FeedTestApp): Promise<Record<string, string>> {
  const r = await sql<{ id: string; part: string }>`
    select id::text, tableoid::regclass::text as part from feed_events`.execute(app.db)
  return Object.fromEntries(r.rows.map((x) => [x.id, x.part]))
}

async function cursorAfter(app: FeedTestApp, events: number): Promise<string> {
  const res = await readPage(app, SERVICE, `/v1/events?limit=${events}`)
  return res.json().next_cursor as string
}

/** The month two months back gets its partitions, and these events move into it. */
async function moveToOldMonth(app: FeedTestApp, ids: string[]): Promise<string> {
  await sql`select create_month_partitions(${midMonth(-2)})`.execute(app.db)
  await sql`update feed_events set created_at = ${midMonth(-2)} where id = any(${ids}::bigint[])`.execute(app.db)
  return `feed_events_${await monthSuffix(app, -2)}`
}

/** Every delivery of these events succeeded, with an attempt each, `ago` back. */
async function delivered(app: FeedTestApp, eventIdsDone: string[], ago = '2 days'): Promise<void> {
  const rows = await app.db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('feed_event_id', 'in', eventIdsDone)
    .execute()
  for (const d of rows)
    await app.db
      .transaction()
      .execute((tx) => recordAttempt(tx, d.id, { statusCode: 200, error: null, durationMs: 3 }, 'succeeded'))
  await sql`update webhook_deliveries set completed_at = now() - ${ago}::interval
    where feed_event_id = any(${eventIdsDone}::bigint[])`.execute(app.db)
}

/**
 * The feed test app with a one-day retention and this month's partitions made
 * (the test template was migrated when its migrations last changed, maybe in an earlier month).
 */
async function partitionedApp(t: Test): Promise<FeedTestApp> {
  const app = await feedTestApp(t, { feed_retention: 'P1D' })
  await ensureMonthsAhead(app.db)
  return app
}

/** A webhook, then two events of the month two months back, not dispatched yet. */
async function oldMonth(t: Test, tag: string) {
  const app = await partitionedApp(t)
  const hook = await register(app, SERVICE, 'http://127.0.0.1:9/hooks')
  await openClaims(app, 2, tag)
  const ids = await eventIds(app)
  return { app, hook, ids, month: await moveToOldMonth(app, ids) }
}

t.test('rows land in their month: events by created_at, deliveries and attempts by their event’s', async (t) => {
  const app = await partitionedApp(t)
  const hook = await register(app, SERVICE, 'http://127.0.0.1:9/hooks')
  await openClaims(app, 3, 'land')
  const ids = await eventIds(app)
  const now = await monthSuffix(app, 0)
  t.same(new Set(Object.values(await eventPartitions(app))), new Set([`feed_events_${now}`]), 'this month')

  const old = await moveToOldMonth(app, ids.slice(0, 1))
  t.equal((await eventPartitions(app))[ids[0]!], old, 'an older created_at moves the row to its month')
  await sql`update feed_events set created_at = timestamptz '2001-03-01 00:00Z' where id = ${ids[1]!}::bigint`.execute(
    app.db,
  )
  t.equal((await eventPartitions(app))[ids[1]!], 'feed_events_default', 'a month without a partition: the default')

  t.equal((await dispatchOnce(app.db)).created, 3)
  await delivered(app, ids, '1 minute')
  const placed = await sql<{ feed_event_id: string; d: string; a: string }>`
    select d.feed_event_id::text, d.tableoid::regclass::text as d, a.tableoid::regclass::text as a
    from webhook_deliveries d join webhook_attempts a on a.delivery_id = d.id
    where d.webhook_id = ${hook.id}`.execute(app.db)
  const where = Object.fromEntries(placed.rows.map((r) => [r.feed_event_id, [r.d, r.a]]))
  t.same(where[ids[0]!], [`webhook_deliveries_${old.slice(-7)}`, `webhook_attempts_${old.slice(-7)}`])
  t.same(where[ids[1]!], ['webhook_deliveries_default', 'webhook_attempts_default'])
  t.same(where[ids[2]!], [`webhook_deliveries_${now}`, `webhook_attempts_${now}`])

  // From the start again: every event is read and inserted a second time, and the "once" key holds.
  await sql`update webhooks set cursor_txid = '0', cursor_id = 0 where id = ${hook.id}`.execute(app.db)
  t.equal((await dispatchOnce(app.db)).created, 3, 'the events are read again')
  const count = await app.db
    .selectFrom('webhook_deliveries')
    .select(sql<string>`count(*)`.as('n'))
    .executeTakeFirst()
  t.equal(Number(count?.n), 3, 'still one delivery per event')
  await t.rejects(
    sql`insert into webhook_attempts (delivery_id, attempt, duration_ms, event_created_at)
      values (999999999, 1, 1, now())`.execute(app.db),
    /foreign key/,
    'an attempt needs its delivery',
  )
})

t.test('housekeeping makes this month and the next two ahead, once', async (t) => {
  const app = await feedTestApp(t)
  await ensureMonthsAhead(app.db)
  const ahead = await monthSuffix(app, 2)
  for (const table of ['webhook_attempts', 'webhook_deliveries', 'feed_events'])
    await sql`drop table ${sql.table(`${table}_${ahead}`)}`.execute(app.db)
  t.notOk((await names(app, 'feed_events')).includes(`feed_events_${ahead}`), 'fixture: the month two ahead is gone')
  t.equal(await ensureMonthsAhead(app.db), 3, 'its three partitions are made again')
  t.equal(await ensureMonthsAhead(app.db), 0, 'a second round makes nothing')
  const [first, second] = await Promise.all([ensureMonthsAhead(app.db, 3), ensureMonthsAhead(app.db, 3)])
  t.equal(first! + second!, 3, 'two racing rounds make the third month once')
  const further = await monthSuffix(app, 3)
  for (const table of TABLES) t.ok((await names(app, table)).includes(`${table}_${further}`), `${table}_${further}`)
  await sql`insert into feed_events (type, source_id, data, occurred_at, created_at)
    values ('claim.event', 'x', '{}', now(), ${midMonth(2)})`.execute(app.db)
  const part = await sql<{ p: string }>`select tableoid::regclass::text as p from feed_events`.execute(app.db)
  t.same(
    part.rows.map((r) => r.p),
    [`feed_events_${ahead}`],
    'a row of that month lands in it',
  )
})

t.test(
  'a delivered month past the retention is dropped whole; a cursor inside it expires, one at its end reads on',
  async (t) => {
    const app = await partitionedApp(t)
    const hook = await register(app, SERVICE, 'http://127.0.0.1:9/hooks')
    await openClaims(app, 4, 'old')
    const old = await eventIds(app)
    const inside = await cursorAfter(app, 1)
    const atEnd = await cursorAfter(app, 4)
    await openClaims(app, 2, 'new')
    const young = (await eventIds(app)).slice(4)
    // Three events of the old month, and one that straddles: older than the retention, in the default
    // partition, but inside the old month's run in feed order. It must go with the month.
    const month = await moveToOldMonth(app, [old[0]!, old[1]!, old[3]!])
    await sql`update feed_events set created_at = timestamptz '2001-03-01 00:00Z' where id = ${old[2]!}::bigint`.execute(
      app.db,
    )
    await dispatchOnce(app.db)
    await delivered(app, old)
    t.equal(
      await dropExpiredDeliveryMonth(app.db, app.config.policy.feed_retention),
      null,
      'its events are still there',
    )

    const [a, b] = await Promise.all([
      dropExpiredFeedMonth(app.db, app.config.policy.feed_retention),
      dropExpiredFeedMonth(app.db, app.config.policy.feed_retention),
    ])
    t.same([a, b].sort(), [month, null].sort(), 'two racing rounds drop it once')
    t.notOk((await names(app, 'feed_events')).includes(month), 'the partition is gone')
    t.same(await eventIds(app), young, 'with the straddling event; the young ones stay')
    t.equal(await prunedEventId(app), old[3], 'feed_pruned is at the month’s last event')

    const expired = await app.call(SERVICE, { method: 'GET', url: `/v1/events?after=${inside}` })
    t.equal(expired.statusCode, 410, 'a cursor inside the dropped month')
    t.equal(expired.json().type, P + 'cursor-expired')
    const resumed = await readPage(app, SERVICE, `/v1/events?after=${atEnd}`)
    t.equal(resumed.statusCode, 200)
    t.same(
      resumed.json().items.map((e: { id: string }) => e.id),
      young,
      'a cursor at its end reads on, no gap',
    )
    t.same(
      (await readAll(app, SERVICE, 1)).items.map((e: { id: string }) => e.id),
      young,
      'from the start too',
    )

    // The delivery log's month: its events are gone and every delivery finished two days ago.
    const suffix = month.slice(-7)
    t.equal(await dropExpiredDeliveryMonth(app.db, app.config.policy.feed_retention), `webhook_deliveries_${suffix}`)
    t.notOk((await names(app, 'webhook_attempts')).includes(`webhook_attempts_${suffix}`), 'with its attempts')
    const left = await app.db
      .selectFrom('webhook_deliveries')
      .select('feed_event_id')
      .where('webhook_id', '=', hook.id)
      .execute()
    t.same(left.map((d) => String(d.feed_event_id)).sort(), [old[2]!, ...young].sort(), 'other months stay')
    t.equal(await dropExpiredFeedMonth(app.db, app.config.policy.feed_retention), null, 'nothing more is old enough')
  },
)

t.test('a month is kept while a delivery of it is pending or an active webhook has not dispatched it', async (t) => {
  const { app, hook, ids, month } = await oldMonth(t, 'kept')
  const retention = app.config.policy.feed_retention

  t.equal(await dropExpiredFeedMonth(app.db, retention), null, 'the webhook has not dispatched its events')
  await dispatchOnce(app.db)
  t.equal(await dropExpiredFeedMonth(app.db, retention), null, 'its deliveries are pending')
  await delivered(app, ids.slice(0, 1))
  t.equal(await dropExpiredFeedMonth(app.db, retention), null, 'one is still pending')
  await delivered(app, ids.slice(1))
  await sql`update webhook_deliveries set completed_at = now() where feed_event_id = ${ids[1]!}::bigint`.execute(app.db)

  // A replay makes a delivery pending again: the month stays for it.
  const replayed = await app.db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('feed_event_id', '=', ids[0]!)
    .executeTakeFirstOrThrow()
  const res = await app.call(SERVICE, {
    method: 'POST',
    url: `/v1/webhooks/${hook.id}/deliveries/${replayed.id}/replay`,
  })
  t.equal(res.statusCode, 202)
  t.equal(await dropExpiredFeedMonth(app.db, retention), null, 'the replay is pending')
  await delivered(app, ids.slice(0, 1))

  // A second webhook that had its cursor before these events, and will send them.
  const late = await register(app, SERVICE, 'http://127.0.0.1:9/late')
  await sql`update webhooks set cursor_txid = '0', cursor_id = 0 where id = ${late.id}`.execute(app.db)
  t.equal(await dropExpiredFeedMonth(app.db, retention), null, 'the late webhook has not dispatched them')
  await sql`update webhooks set status = 'disabled' where id = ${late.id}`.execute(app.db)

  t.equal(await dropExpiredFeedMonth(app.db, retention), month, 'all sent, nobody waiting: it goes')
  t.equal(
    await dropExpiredDeliveryMonth(app.db, retention),
    null,
    'its delivery log stays: a delivery finished just now',
  )
  await sql`update webhook_deliveries set completed_at = now() - interval '2 days'`.execute(app.db)
  t.equal(await dropExpiredDeliveryMonth(app.db, retention), `webhook_deliveries_${month.slice(-7)}`)
})

t.test('a month with an event younger than the retention before its end in feed order is kept', async (t) => {
  const app = await partitionedApp(t)
  await openClaims(app, 3, 'straddle')
  const ids = await eventIds(app)
  // The middle event stays in this month: it sorts inside the old month's run and may not go yet.
  const month = await moveToOldMonth(app, [ids[0]!, ids[2]!])
  t.equal(await dropExpiredFeedMonth(app.db, app.config.policy.feed_retention), null)
  t.same(await eventIds(app), ids, 'nothing deleted')
  t.ok((await names(app, 'feed_events')).includes(month))
})

t.test('the workers’ housekeeping drops the month and its delivery log, and keeps months made ahead', async (t) => {
  const { app, hook, ids, month } = await oldMonth(t, 'workers')
  await dispatchOnce(app.db)
  await delivered(app, ids)
  // Nothing may dispatch these events again: the webhook goes before the workers (and their dispatcher) start.
  await sql`update webhooks set status = 'disabled' where id = ${hook.id}`.execute(app.db)
  const suffix = month.slice(-7)
  const ahead = `feed_events_${await monthSuffix(app, 2)}`
  await sql`drop table ${sql.table(`webhook_attempts_${ahead.slice(-7)}`)}, ${sql.table(`webhook_deliveries_${ahead.slice(-7)}`)},
    ${sql.table(ahead)}`.execute(app.db)

  await runHousekeeping(
    t,
    app,
    async () => !(await names(app, 'webhook_deliveries')).includes(`webhook_deliveries_${suffix}`),
  )
  t.notOk((await names(app, 'feed_events')).includes(month), 'the feed month went')
  t.notOk((await names(app, 'webhook_deliveries')).includes(`webhook_deliveries_${suffix}`), 'its deliveries')
  t.notOk((await names(app, 'webhook_attempts')).includes(`webhook_attempts_${suffix}`), 'and attempts')
  // (The workers write new events of their own, the sweeper's: this month's.)
  const left = new Set(await eventIds(app))
  t.ok(
    ids.every((id) => !left.has(id)),
    'the month’s events are gone',
  )
  t.ok((await names(app, 'feed_events')).includes(ahead), 'the month two ahead is back')
})
