// Retention: feed events and finished webhook deliveries older than policy
// feed_retention are pruned; a feed cursor before the pruned events is refused
// (410) rather than skipping them; what a webhook still has to send is kept.
import t from 'tap'
import { sql } from 'kysely'
import { pruneDeliveries, pruneFeed } from '../../src/domain/feed/retention.repository.js'
import { dispatchOnce } from '../../src/domain/webhooks/dispatch.js'
import { register } from '../webhooks/helpers.js'
import { eventIds, feedTestApp, openClaims, prunedEventId, readAll, readPage, type FeedTestApp } from './helpers/app.js'

const SERVICE: ['service', string] = ['service', 'marketplace']
const P = 'https://claimdesk.dev/problems/'

/** The ids of feed items as the API returns them. */
const idsOf = (items: Array<{ id: string }>): string[] => items.map((e) => e.id)

/**
 * Ages events past the retention into a time no month partition covers, so
 * they move to the default partition: the batched prune's part (whole months
 * go by partition, test/feed/partitions.test.ts).
 */
const age = (app: FeedTestApp, ids: string[]) =>
  sql`update feed_events set created_at = timestamptz '2000-01-15 00:00Z' where id = any(${ids}::bigint[])`.execute(
    app.db,
  )

async function cursorAfter(app: FeedTestApp, events: number): Promise<string> {
  const res = await readPage(app, SERVICE, `/v1/events?limit=${events}`)
  return res.json().next_cursor as string
}

t.test(
  'old events go from the head of the feed; a cursor before them is expired, the start and later cursors read on',
  async (t) => {
    const app = await feedTestApp(t, { feed_retention: 'P1D' })
    await openClaims(app, 5, 'a')
    const ids = await eventIds(app)
    t.ok(ids.length >= 5, `fixture: ${ids.length} events`)
    const beforePruned = await cursorAfter(app, 2)
    const atPruned = await cursorAfter(app, 3)
    await age(app, ids.slice(0, 3))

    t.equal(await pruneFeed(app.db, app.config.policy.feed_retention), 3, 'the three old events')
    t.equal(await pruneFeed(app.db, app.config.policy.feed_retention), 0, 'young events stay')
    t.same(await eventIds(app), ids.slice(3))
    t.equal(await prunedEventId(app), ids[2], 'the last pruned position is recorded')

    const expired = await app.call(SERVICE, { method: 'GET', url: `/v1/events?after=${beforePruned}` })
    t.equal(expired.statusCode, 410)
    t.match(expired.headers['content-type'], /^application\/problem\+json/)
    t.equal(expired.json().type, P + 'cursor-expired')

    const resumed = await readPage(app, SERVICE, `/v1/events?after=${atPruned}`)
    t.equal(resumed.statusCode, 200, 'a cursor at the pruned position has lost nothing')
    t.same(idsOf(resumed.json().items), ids.slice(3))
    const fromStart = await readAll(app, SERVICE)
    t.same(idsOf(fromStart.items), ids.slice(3), 'read from the start: the retained events')
  },
)

t.test(
  'events an active webhook has still to dispatch, or a pending delivery to send, are kept; finished deliveries age out',
  async (t) => {
    const app = await feedTestApp(t, { feed_retention: 'P1D' })
    await openClaims(app, 1, 'before')
    const hook = await register(app, SERVICE, 'http://127.0.0.1:9/hooks')
    await openClaims(app, 2, 'after')
    const ids = await eventIds(app)
    const later = ids.slice(1)
    await age(app, ids)

    t.equal(await pruneFeed(app.db, app.config.policy.feed_retention), 1, 'only the event from before the webhook')
    t.same(await eventIds(app), later, 'the webhook has not dispatched the others yet')

    await dispatchOnce(app.db)
    const pending = await app.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'feed_event_id'])
      .where('webhook_id', '=', hook.id)
      .orderBy('id')
      .execute()
    t.same(
      pending.map((d) => String(d.feed_event_id)),
      later,
      'one pending delivery per event',
    )
    t.equal(await pruneFeed(app.db, app.config.policy.feed_retention), 0, 'pending deliveries keep their events')

    const [sent, ...waiting] = pending as [(typeof pending)[number], ...typeof pending]
    await app.db
      .updateTable('webhook_deliveries')
      .set({ status: 'succeeded', completed_at: sql`now()` })
      .where('id', '=', sent.id)
      .execute()
    t.equal(await pruneFeed(app.db, app.config.policy.feed_retention), 1, 'the sent one’s event goes')
    t.same(
      await eventIds(app),
      waiting.map((d) => String(d.feed_event_id)),
    )

    const replay = await app.call(SERVICE, {
      method: 'POST',
      url: `/v1/webhooks/${hook.id}/deliveries/${sent.id}/replay`,
    })
    t.equal(replay.statusCode, 410, 'its event is gone: it cannot be sent again')
    t.equal(replay.json().type, P + 'event-expired')

    t.equal(await pruneDeliveries(app.db, app.config.policy.feed_retention), 0, 'finished just now')
    await sql`insert into webhook_attempts (delivery_id, attempt, status_code, duration_ms, event_created_at)
      select id, 1, 200, 5, event_created_at from webhook_deliveries where id = ${sent.id}::bigint`.execute(app.db)
    await sql`update webhook_deliveries set completed_at = now() - interval '2 days' where id = ${sent.id}::bigint`.execute(
      app.db,
    )
    t.equal(await pruneDeliveries(app.db, app.config.policy.feed_retention), 1, 'finished two days ago')
    const left = await app.db.selectFrom('webhook_deliveries').select('id').execute()
    t.same(
      left.map((d) => d.id),
      waiting.map((d) => d.id),
      'pending deliveries stay',
    )
    const attempts = await app.db
      .selectFrom('webhook_attempts')
      .select('id')
      .where('delivery_id', '=', sent.id)
      .execute()
    t.equal(attempts.length, 0, 'with their attempts')
  },
)

t.test('an idle reader is carried to the head, so other parties’ pruned events never expire its cursor', async (t) => {
  const app = await feedTestApp(t, { feed_retention: 'P1D' })
  const idle: ['seller', string] = ['seller', 'shop-idle']
  await openClaims(app, 3, 'busy')
  const first = await readPage(app, idle, '/v1/events')
  t.same(first.json().items, [], 'none of the events are the idle seller’s')
  const cursor = first.json().next_cursor as string
  await age(app, await eventIds(app))
  t.equal(await pruneFeed(app.db, app.config.policy.feed_retention), 3)
  const later = await app.call(idle, { method: 'GET', url: `/v1/events?after=${cursor}` })
  t.equal(later.statusCode, 200, 'its caught-up cursor is past what was pruned')
  t.same(later.json().items, [])
})

t.test(
  'the run stops at the first event to keep, so paging from the start never meets an expired cursor',
  async (t) => {
    const app = await feedTestApp(t, { feed_retention: 'P1D' })
    await openClaims(app, 4, 'kept')
    const ids = await eventIds(app)
    // A pending delivery (a replay, say) holds the second event.
    const hook = await register(app, SERVICE, 'http://127.0.0.1:9/hooks')
    await app.db
      .insertInto('webhook_deliveries')
      .values({ webhook_id: hook.id, feed_event_id: ids[1]!, event_type: 'claim.event', event_created_at: sql`now()` })
      .execute()
    await age(app, ids)
    t.equal(await pruneFeed(app.db, app.config.policy.feed_retention), 1, 'only the event before the kept one')
    t.same(await eventIds(app), ids.slice(1))
    const paged = await readAll(app, SERVICE, 1)
    t.same(idsOf(paged.items), ids.slice(1), 'one event a page, from the start, to the end')
  },
)

t.test('a webhook holds back only the events it will send: its owner’s, of its types', async (t) => {
  const app = await feedTestApp(t, { feed_retention: 'P1D' })
  await register(app, ['seller', 'shop-quiet'], 'http://127.0.0.1:9/quiet')
  await register(app, SERVICE, 'http://127.0.0.1:9/violations', ['violation.recorded'])
  await openClaims(app, 3, 'others')
  await age(app, await eventIds(app))
  t.equal(await pruneFeed(app.db, app.config.policy.feed_retention), 3, 'neither webhook would send these claim events')
})

t.test('a cursor out of the id types’ range is a 422, not a 500', async (t) => {
  const app = await feedTestApp(t)
  const cursor = Buffer.from('99999999999999999999.9999999999999999999').toString('base64url')
  const res = await app.call(SERVICE, { method: 'GET', url: `/v1/events?after=${cursor}` })
  t.equal(res.statusCode, 422)
  t.equal(res.json().type, P + 'validation-failed')
})

t.test(
  'a replay racing a prune waits for it, and then finds the event gone (410), never a 200 for an event being deleted',
  async (t) => {
    const app = await feedTestApp(t, { feed_retention: 'P1D' })
    const hook = await register(app, SERVICE, 'http://127.0.0.1:9/hooks')
    await openClaims(app, 1, 'race')
    await dispatchOnce(app.db)
    const delivery = await app.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'feed_event_id'])
      .where('webhook_id', '=', hook.id)
      .executeTakeFirstOrThrow()
    await app.db
      .updateTable('webhook_deliveries')
      .set({ status: 'succeeded', completed_at: sql`now()` })
      .where('id', '=', delivery.id)
      .execute()

    let answered = false
    // Wrapped: a promise returned from the callback would be awaited before the commit it waits for.
    const { replay } = await app.db.transaction().execute(async (tx) => {
      // A prune in progress: it holds the lock and is deleting the event.
      await sql`select pg_advisory_xact_lock(hashtextextended('feed-retention', 0))`.execute(tx)
      const pending = app
        .call(SERVICE, { method: 'POST', url: `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/replay` })
        .then((res) => {
          answered = true
          return res
        })
      await new Promise((resolve) => setTimeout(resolve, 200))
      t.notOk(answered, 'the replay waits for the prune')
      await tx.deleteFrom('feed_events').where('id', '=', delivery.feed_event_id).execute()
      return { replay: pending }
    })
    const res = await replay
    t.equal(res.statusCode, 410)
    t.equal(res.json().type, P + 'event-expired')
    const row = await app.db
      .selectFrom('webhook_deliveries')
      .select('status')
      .where('id', '=', delivery.id)
      .executeTakeFirstOrThrow()
    t.equal(row.status, 'succeeded', 'left as it was')
  },
)
