// The test app of test/helpers/app.ts, with webhooks allowed to reach
// loopback receivers, and the services the tests drive directly (chat, claims).
import type { Test } from 'tap'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import type { PolicyFile } from '../../../src/config/policy.js'
import type { PrincipalRole } from '../../../src/auth/principal.js'
import type { Services } from '../../../src/composition.js'
import { isBefore } from '../../../src/domain/feed/position.js'
import { buildTestApp, type TestApp } from '../../helpers/app.js'
import { openClaim, registerOrder } from '../../helpers/fixtures.js'

/** The test app with its services at hand (chat, claims, feed, claimDeadlines, ...). */
export type FeedTestApp = TestApp & Services

export async function feedTestApp(
  t: Test,
  policy: PolicyFile = {},
  opts: { allowPrivate?: boolean } = {},
): Promise<FeedTestApp> {
  const base = await buildTestApp(t, policy, { config: { webhookAllowPrivate: opts.allowPrivate ?? true } })
  return { ...base, ...base.services }
}

/** Every event `as` can read, paging `limit` at a time from the start. */
export async function readAll(t: TestApp, as: [PrincipalRole, string], limit = 100, types?: string) {
  // No settled() first: readPage reads a caught-up page again until it reaches the last row.
  const items: any[] = []
  let after: string | undefined
  for (let page = 0; page < 10_000; page++) {
    const qs = new URLSearchParams({ limit: String(limit), ...(after ? { after } : {}), ...(types ? { types } : {}) })
    const res = await readPage(t, as, `/v1/events?${qs}`)
    assert.equal(res.statusCode, 200, `GET /v1/events: ${res.statusCode} ${res.body}`)
    const body = res.json()
    items.push(...body.items)
    after = body.next_cursor
    if (!body.has_more) return { items, cursor: after as string }
  }
  assert.fail('feed did not end')
}

/**
 * GET `url` (a /v1/events read) once every row written so far is readable.
 * feed_horizon() can dip for an instant: a transaction of another database
 * (a parallel test file) that ends during the read is no longer known to be
 * elsewhere, so it holds the page back. That is safe for a real reader, which
 * reads again later, but a test expects the whole feed now: a caught-up page
 * whose cursor stops short of the last row is read again.
 */
export async function readPage(t: TestApp, as: [PrincipalRole, string], url: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs
  for (;;) {
    const res = await t.call(as, { method: 'GET', url })
    if (res.statusCode !== 200 || res.json().has_more) return res
    const last = await t.db
      .selectFrom('feed_events')
      .select([sql<string>`txid::text`.as('txid'), sql<string>`id::text`.as('id')])
      .orderBy('txid', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst()
    if (!last || !isBefore(t.services.feed.positionOf(res.json().next_cursor), last)) return res
    assert.ok(Date.now() <= until, `the feed did not reach its last row after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/**
 * Waits until every feed row written so far is readable. The feed holds back
 * while a write transaction older than a row is open (in this database, or one
 * feed_horizon() cannot attribute): correct, but a test must wait it out.
 */
export async function settled(t: TestApp, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs
  const total = Number(
    (
      await t.db
        .selectFrom('feed_events')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )
  for (;;) {
    const r = await sql<{ n: string }>`select count(*) as n from feed_events where txid < feed_horizon()`.execute(t.db)
    if (Number(r.rows[0]!.n) >= total) return
    assert.ok(Date.now() <= until, `feed not settled after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Feed event ids in feed order. */
export async function eventIds(app: TestApp): Promise<string[]> {
  const rows = await app.db.selectFrom('feed_events').select('id').orderBy('txid').orderBy('id').execute()
  return rows.map((r) => String(r.id))
}

/** Opens `n` claims (one event each), then waits until the feed can read them all. */
export async function openClaims(app: TestApp, n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i++)
    await openClaim(app, await registerOrder(app, { buyer: `buyer-${tag}-${i}`, seller: 'shop-retention' }))
  await settled(app)
}

/** The event id feed_pruned records (events at or before its position are gone). */
export async function prunedEventId(app: TestApp): Promise<string> {
  const row = await app.db
    .selectFrom('feed_pruned')
    .select(sql<string>`event_id::text`.as('id'))
    .executeTakeFirstOrThrow()
  return row.id
}
