// The event feed: what each party sees, in which shape, and paging that never
// skips or repeats an event while other transactions are still writing.
import t from 'tap'
import pg from 'pg'
import { sql } from 'kysely'
import { ADMIN_URL } from '../helpers/database.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'
import { isBefore } from '../../src/domain/feed/position.js'
import { feedTestApp, readAll, readPage, settled, type FeedTestApp } from './helpers/app.js'

const PHONE_REQUEST = 'Здравствуйте! Скиньте ваш номер телефона, я перезвоню'
const DAY = 86_400_000

async function threadOf(app: FeedTestApp, orderId: string): Promise<string> {
  return (await app.db.selectFrom('threads').select('id').where('order_id', '=', orderId).executeTakeFirstOrThrow()).id
}

const violation = (partyId: string, n: number) => ({
  party_role: 'seller',
  party_id: partyId,
  rule: 'contact_exchange',
  excerpt: `excerpt ${n}`,
  hint: 'keep it on the platform',
  source: 'chat' as const,
  thread_id: null,
  claim_id: null,
  fine_amount: 100,
  currency: 'RUB',
})

t.test('each party sees its own events; sellers see buyers only by pseudonym', async (t) => {
  const app = await feedTestApp(t)
  const a = await registerOrder(app, { buyer: 'buyer-1', seller: 'shop-1' })
  const b = await registerOrder(app, { buyer: 'buyer-2', seller: 'shop-2' })
  const claimA = await openClaim(app, a)
  const claimB = await openClaim(app, b)
  const acted = await act(app, ['seller', 'shop-1'], claimA.id, {
    action: 'request_info',
    comment: 'Please send a photo of the seam',
  })
  t.equal(acted.statusCode, 200, acted.body)
  const threadA = await threadOf(app, a.id)
  await app.chat.postMessage({ role: 'buyer', id: 'buyer-1' }, threadA, 'Here is the photo of the seam you asked for.')
  await t.rejects(app.chat.postMessage({ role: 'seller', id: 'shop-1' }, threadA, PHONE_REQUEST), /./, 'blocked')
  app.clock.advance(9.5 * DAY)
  const deadline = await app.db
    .selectFrom('deadlines')
    .select('id')
    .where('claim_id', '=', claimB.id)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
  t.equal(await app.claimDeadlines.remindDeadline(deadline.id), 'sent')

  const all = await readAll(app, ['service', 'marketplace'])
  const types = all.items.map((e) => e.type)
  t.same(types.filter((x) => x === 'claim.event').length, 3, 'two opens and a request_info')
  t.ok(types.includes('chat.message'))
  t.ok(types.includes('violation.recorded'))
  t.ok(types.includes('deadline.reminder'))
  t.same((await readAll(app, ['arbiter', 'arb-1'])).items, all.items, 'arbiters see what the service sees')
  t.same((await readAll(app, ['service', 'marketplace'], 1)).items, all.items, 'pages of one give the same sequence')
  t.equal(new Set(all.items.map((e) => e.id)).size, all.items.length, 'no repeats')

  const buyer1 = await readAll(app, ['buyer', 'buyer-1'])
  t.ok(
    buyer1.items.every((e) => e.claim_id === claimA.id),
    'buyer-1: claim A only',
  )
  t.same(
    buyer1.items.map((e) => e.type),
    ['claim.event', 'claim.event', 'chat.message'],
    'not the seller’s violation',
  )
  t.match(buyer1.items[2].data, { sender: { role: 'buyer', id: 'buyer-1' }, text: /photo of the seam/ })

  const res = await readPage(app, ['seller', 'shop-1'], '/v1/events?limit=100')
  t.equal(res.statusCode, 200)
  t.notMatch(res.body, /buyer-1/, 'no buyer id anywhere in a seller’s feed')
  const seller1 = res.json().items
  t.same(
    seller1.map((e: any) => e.type),
    ['claim.event', 'claim.event', 'chat.message', 'violation.recorded'],
  )
  const pseudonym = seller1[0].data.actor.pseudonym
  t.match(pseudonym, /^buyer-/)
  t.same(seller1[2].data.sender, { role: 'buyer', pseudonym }, 'the same stable pseudonym')
  t.match(seller1[1].data, {
    action: 'request_info',
    from_state: 'awaiting_seller',
    to_state: 'awaiting_buyer_info',
    actor: { role: 'seller', id: 'shop-1' },
  })
  t.match(seller1[3].data, { party: { role: 'seller', id: 'shop-1' }, fine: { amount: 2_500_000, currency: 'RUB' } })

  const seller2 = await readAll(app, ['seller', 'shop-2'])
  t.same(
    seller2.items.map((e) => e.type),
    ['claim.event', 'deadline.reminder'],
  )
  t.match(seller2.items[1].data, { claim_id: claimB.id, deadline_id: deadline.id, kind: 'seller_response' })
  t.notMatch(JSON.stringify(seller2.items), /buyer-2/)

  const filtered = await readAll(app, ['service', 'marketplace'], 100, 'chat.message,deadline.reminder')
  t.same(
    filtered.items.map((e) => e.type),
    ['chat.message', 'deadline.reminder'],
  )

  const bad = await app.call(['service', 'marketplace'], { method: 'GET', url: '/v1/events?after=bm9wZQ' })
  t.equal(bad.statusCode, 422)
  const unknownType = await app.call(['service', 'marketplace'], { method: 'GET', url: '/v1/events?types=claim.nope' })
  t.equal(unknownType.statusCode, 422)
  t.equal((await app.call(null, { method: 'GET', url: '/v1/events' })).statusCode, 401)

  const empty = (
    await app.call(['service', 'marketplace'], { method: 'GET', url: `/v1/events?after=${all.cursor}` })
  ).json()
  t.same([empty.items, empty.has_more], [[], false], 'at the end: nothing more')
  // Other databases' commits move the head on meanwhile, so the cursor may move with it, never back.
  t.notOk(
    isBefore(app.feed.positionOf(empty.next_cursor), app.feed.positionOf(all.cursor)),
    'the cursor never moves back',
  )
})

t.test('a long-open transaction holds the reader back instead of being skipped', async (t) => {
  const app = await feedTestApp(t)
  await app.db.insertInto('violations').values(violation('shop-1', 0)).execute()
  const first = await readAll(app, ['service', 'marketplace'])
  t.equal(first.items.length, 1)

  const slow = new pg.Client({ connectionString: app.databaseUrl })
  await slow.connect()
  t.teardown(() => slow.end())
  await slow.query('begin')
  const slowTxid = BigInt(
    (await slow.query<{ txid: string }>('select pg_current_xact_id()::text as txid')).rows[0]!.txid,
  )
  await slow.query(
    `insert into violations (party_role, party_id, rule, excerpt, hint, source, fine_amount, currency)
     values ('seller', 'shop-1', 'insult', 'slow', 'h', 'chat', 1, 'RUB')`,
  )
  // Later transactions commit while the slow one is still open.
  for (let i = 1; i <= 3; i++) await app.db.insertInto('violations').values(violation('shop-1', i)).execute()
  const naive = await app.db.selectFrom('feed_events').select('id').where('id', '>', first.items[0].id).execute()
  t.equal(naive.length, 3, 'a reader by id alone would see the later rows now and pass the slow one for good')

  const held = await app.call(['service', 'marketplace'], { method: 'GET', url: `/v1/events?after=${first.cursor}` })
  t.same(held.json().items, [], 'nothing past the open transaction')
  // It may move up to the open transaction (other databases' commits advance the head), never past it.
  t.ok(BigInt(app.feed.positionOf(held.json().next_cursor).txid) <= slowTxid, 'the cursor does not move past it')

  await slow.query('commit')
  const fromHeld = await readPage(app, ['service', 'marketplace'], `/v1/events?after=${held.json().next_cursor}`)
  t.same(
    fromHeld.json().items.map((e: { data: { excerpt: string } }) => e.data.excerpt),
    ['slow', 'excerpt 1', 'excerpt 2', 'excerpt 3'],
    'read on from the held cursor: the slow row first, nothing lost',
  )
  const rest = await readAll(app, ['service', 'marketplace'])
  const excerpts = rest.items.map((e) => e.data.excerpt)
  t.same(
    excerpts,
    ['excerpt 0', 'slow', 'excerpt 1', 'excerpt 2', 'excerpt 3'],
    'the slow row in its place, nothing skipped or repeated',
  )
  const resumed = await readAll(app, ['service', 'marketplace'], 100)
  t.same(
    resumed.items.map((e) => e.id),
    rest.items.map((e) => e.id),
  )
})

t.test('concurrent writers and a paging reader: every event exactly once, in (txid, id) order', async (t) => {
  const app = await feedTestApp(t)
  const WRITERS = 8
  const TXS = 20
  let writing = true
  const writers = Array.from({ length: WRITERS }, (_, w) =>
    (async () => {
      for (let i = 0; i < TXS; i++) {
        await app.db.transaction().execute(async (tx) => {
          await tx
            .insertInto('violations')
            .values(violation(`shop-${w}`, i))
            .execute()
          await sql`select pg_sleep(${Math.random() * 0.02})`.execute(tx)
          if (i % 2 === 0)
            await tx
              .insertInto('violations')
              .values(violation(`shop-${w}`, i + 1000))
              .execute()
        })
      }
    })(),
  )
  const seen: { id: string; txid: bigint }[] = []
  let after: string | undefined
  const page = async () => {
    const r = await app.feed.read({ role: 'service', id: 'marketplace' }, { after, limit: 7 })
    after = r.next_cursor
    for (const e of r.items) {
      const row = await app.db
        .selectFrom('feed_events')
        .select(sql<string>`txid::text`.as('txid'))
        .where('id', '=', e.id)
        .executeTakeFirstOrThrow()
      seen.push({ id: e.id, txid: BigInt(row.txid) })
    }
    return r
  }
  const reader = (async () => {
    while (writing) await page()
  })()
  await Promise.all(writers)
  writing = false
  await reader
  await settled(app)
  while ((await page()).has_more);
  const all = await app.db.selectFrom('feed_events').select('id').execute()
  t.equal(all.length, WRITERS * TXS * 1.5)
  t.equal(new Set(seen.map((s) => s.id)).size, seen.length, 'no event twice')
  t.same(new Set(seen.map((s) => s.id)), new Set(all.map((r) => r.id)), 'no event missed')
  const ordered = seen.every(
    (s, i) =>
      i === 0 || s.txid > seen[i - 1]!.txid || (s.txid === seen[i - 1]!.txid && BigInt(s.id) > BigInt(seen[i - 1]!.id)),
  )
  t.ok(ordered, 'strictly increasing (txid, id)')
})

t.test('order is numeric by transaction id, then id (9 before 10 before 100)', async (t) => {
  const app = await feedTestApp(t)
  for (const txid of ['100', '9', '10']) {
    await sql`insert into feed_events (txid, type, source_id, data, occurred_at)
      values (${txid}::xid8, 'violation.recorded', ${txid}, ${JSON.stringify({ excerpt: txid })}::jsonb, now())`.execute(
      app.db,
    )
  }
  const page1 = await app.feed.read({ role: 'service', id: 'm' }, { limit: 2 })
  const page2 = await app.feed.read({ role: 'service', id: 'm' }, { after: page1.next_cursor, limit: 2 })
  t.same(
    [...page1.items, ...page2.items].map((e) => e.data.excerpt),
    ['9', '10', '100'],
  )
})

t.test('a long transaction in another database of the cluster does not hold the feed back', async (t) => {
  const app = await feedTestApp(t)
  const elsewhere = new pg.Client({ connectionString: ADMIN_URL })
  await elsewhere.connect()
  t.teardown(() => elsewhere.end())
  await elsewhere.query('begin')
  await elsewhere.query('select pg_current_xact_id()') // holds an xid, as a write would
  await app.db.insertInto('violations').values(violation('shop-1', 1)).execute()
  // Polled: another test file's transaction ending mid-read can dip the horizon for an instant
  // (see readPage); the open one here, were it counted, would hold it back every time.
  let seen = { xmin: 0n, horizon: 0n, txid: 0n }
  for (let tries = 0; tries < 100 && seen.horizon <= seen.txid; tries++) {
    if (tries > 0) await new Promise((r) => setTimeout(r, 20))
    const r = await sql<{ xmin: string; horizon: string; txid: string }>`
      select pg_snapshot_xmin(pg_current_snapshot())::text as xmin, feed_horizon()::text as horizon,
        (select txid::text from feed_events limit 1) as txid`.execute(app.db)
    const row = r.rows[0]!
    seen = { xmin: BigInt(row.xmin), horizon: BigInt(row.horizon), txid: BigInt(row.txid) }
  }
  t.ok(seen.xmin <= seen.txid, 'the bare cluster-wide xmin would hold the row back')
  t.ok(seen.horizon > seen.txid, 'feed_horizon() does not')
  await elsewhere.query('rollback')
})
