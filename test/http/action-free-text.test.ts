// Every text a party writes into a claim action that the other party reads is
// moderated like a chat message (offer_partial_delivery's part, tracking on
// confirm_shipment / ship_return, comments, provided information); a suspended
// seller writes none of them; tracking takes only carrier-number shapes; and a
// report_abuse comment reaches arbiters only.
import assert from 'node:assert/strict'
import t from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { act, openClaim, registerOrder, type OrderFixture } from '../helpers/fixtures.js'
import { readAll } from '../feed/helpers/app.js'
import { eventView } from '../../src/domain/feed/feed.service.js'

const PROBLEM = 'https://claimdesk.dev/problems/'
const CONTACTS = 'tg @shop_parts +7 916 123-45-67'

async function claimIn(app: TestApp, state: 'awaiting_seller' | 'fulfilling' | 'awaiting_return') {
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  const seller: ['seller', string] = ['seller', order.seller]
  const buyer: ['buyer', string] = ['buyer', order.buyer]
  if (state === 'fulfilling') {
    assert.equal((await act(app, seller, claim.id, { action: 'offer_replacement' })).statusCode, 200)
    assert.equal((await act(app, buyer, claim.id, { action: 'accept_offer' })).statusCode, 200)
  }
  if (state === 'awaiting_return') {
    assert.equal((await act(app, seller, claim.id, { action: 'approve_refund', with_return: true })).statusCode, 200)
  }
  return { order, claim, seller, buyer }
}

async function ledger(app: TestApp, party: string) {
  return app.db
    .selectFrom('violations')
    .select(['rule', 'source', 'excerpt'])
    .where('party_id', '=', party)
    .orderBy('rule')
    .execute()
}

async function chatTexts(app: TestApp, order: OrderFixture): Promise<string[]> {
  const rows = await app.db
    .selectFrom('messages')
    .innerJoin('threads', 'threads.id', 'messages.thread_id')
    .select('messages.text')
    .where('threads.order_id', '=', order.id)
    .execute()
  return rows.map((r) => r.text)
}

t.test('offer_partial_delivery: contacts in `part` are refused, recorded and never posted', async (t) => {
  const app = await buildTestApp(t)
  const { order, claim, seller } = await claimIn(app, 'awaiting_seller')
  const res = await act(app, seller, claim.id, { action: 'offer_partial_delivery', part: `крышка, ${CONTACTS}` })
  t.equal(res.statusCode, 422, res.body)
  t.equal(res.json().type, `${PROBLEM}message-blocked`)
  t.ok(res.json().violations.some((v: { rule: string }) => v.rule === 'contact_exchange'))
  t.ok(
    (await ledger(app, order.seller)).some((v) => v.rule === 'contact_exchange' && v.source === 'claim_action'),
    'in the ledger like a chat message',
  )
  const kept = await app.db.selectFrom('blocked_messages').select(['text', 'claim_id']).execute()
  t.same(kept, [{ text: `крышка, ${CONTACTS}`, claim_id: claim.id }], 'the attempt is kept for arbiters')
  t.notOk(
    (await chatTexts(app, order)).some((text) => text.includes('@shop_parts')),
    'no system message carries it',
  )
  const row = await app.db.selectFrom('claims').select('state').where('id', '=', claim.id).executeTakeFirstOrThrow()
  t.equal(row.state, 'awaiting_seller')

  const clean = await act(app, seller, claim.id, { action: 'offer_partial_delivery', part: 'крышка от чайника' })
  t.equal(clean.statusCode, 200, clean.body)
  t.equal(clean.json().state, 'offer_pending')
})

t.test('tracking takes carrier-number shapes only (422 naming the field)', async (t) => {
  const app = await buildTestApp(t)
  const { claim, seller } = await claimIn(app, 'fulfilling')
  for (const bad of [
    'tg @shop_parts',
    'пишите в телегу',
    'https://track.example.com/1234',
    '1234567', // too short
    'RA123456789RU1234567890123456789', // over 30 letters and digits
    'TELEGRAM-SHOP-1', // letters, not a number
    'RA 123--456 789RU', // one separator at a time
    '٨٩١٦١٢٣٤٥٦٧', // carriers number in ASCII
  ]) {
    const res = await act(app, seller, claim.id, { action: 'confirm_shipment', tracking: bad })
    t.equal(res.statusCode, 422, `${bad}: ${res.body}`)
    t.equal(res.json().type, `${PROBLEM}validation-failed`, bad)
    t.equal(res.json().field, 'tracking', bad)
  }
  t.same(await app.db.selectFrom('violations').select('id').execute(), [], 'shape refusals are not violations')
  const ok = await act(app, seller, claim.id, { action: 'confirm_shipment', tracking: ' RA123456789RU ' })
  t.equal(ok.statusCode, 200, ok.body)
  t.equal(ok.json().tracking.shipment, 'RA123456789RU', 'stored trimmed')
})

t.test('carrier numbers of the usual shapes are accepted', async (t) => {
  const app = await buildTestApp(t)
  for (const tracking of ['RA123456789RU', '80080012345678', '1106171234', 'CDEK-1234-5678', 'LP00123456789012']) {
    const { claim, seller } = await claimIn(app, 'fulfilling')
    const res = await act(app, seller, claim.id, { action: 'confirm_shipment', tracking })
    t.equal(res.statusCode, 200, `${tracking}: ${res.body}`)
  }
})

t.test('a phone passed off as a tracking number is refused and recorded', async (t) => {
  const app = await buildTestApp(t)
  const seller = await claimIn(app, 'fulfilling')
  const res = await act(app, seller.seller, seller.claim.id, {
    action: 'confirm_shipment',
    tracking: '8 916 123 45 67',
  })
  t.equal(res.statusCode, 422, res.body)
  t.equal(res.json().type, `${PROBLEM}message-blocked`)
  t.match(await ledger(app, seller.order.seller), [{ rule: 'contact_exchange', source: 'claim_action' }])

  const buyer = await claimIn(app, 'awaiting_return')
  const back = await act(app, buyer.buyer, buyer.claim.id, { action: 'ship_return', tracking: '8-916-123-45-67' })
  t.equal(back.statusCode, 422, back.body)
  t.equal(back.json().type, `${PROBLEM}message-blocked`)
  t.match(await ledger(app, buyer.order.buyer), [{ rule: 'contact_exchange', source: 'claim_action' }])
  const shape = await act(app, buyer.buyer, buyer.claim.id, { action: 'ship_return', tracking: 'whatsapp me' })
  t.equal(shape.json().field, 'tracking')
  const ok = await act(app, buyer.buyer, buyer.claim.id, { action: 'ship_return', tracking: 'RR123456789RU' })
  t.equal(ok.statusCode, 200, ok.body)
  t.equal(ok.json().state, 'return_in_transit')
})

t.test('a suspended seller’s free text in claim actions is refused like its chat', async (t) => {
  const app = await buildTestApp(t, { seller_chat_suspend_threshold: 1 })
  const { order, claim, seller } = await claimIn(app, 'awaiting_seller')
  const refused = await act(app, seller, claim.id, { action: 'request_info', comment: `Напишите мне: ${CONTACTS}` })
  t.equal(refused.statusCode, 422, 'the violation that suspends')
  const sanction = await app.db.selectFrom('sanctions').select(['id', 'kind']).executeTakeFirstOrThrow()
  t.equal(sanction.kind, 'chat_suspension')

  const texts: Record<string, unknown>[] = [
    { action: 'request_info', comment: 'Пришлите, пожалуйста, фото шва снизу.' },
    { action: 'offer_partial_delivery', part: 'крышка от чайника' },
    { action: 'reject', reason_code: 'other', comment: 'Дефект не подтверждён осмотром.' },
  ]
  for (const body of texts) {
    const res = await act(app, seller, claim.id, body)
    t.equal(res.statusCode, 403, `${body.action}: ${res.body}`)
    t.equal(res.json().type, `${PROBLEM}chat-suspended`, String(body.action))
    t.equal(res.json().sanction_id, sanction.id)
  }
  const before = await app.db.selectFrom('violations').select('id').execute()
  t.equal(before.length, 1, 'refusals for suspension are not new violations')

  const abuse = await act(app, seller, claim.id, { action: 'report_abuse', comment: 'Покупатель грубит в чате.' })
  t.equal(abuse.statusCode, 200, 'a report to arbiters is still taken')
  const offer = await act(app, seller, claim.id, { action: 'offer_compensation', amount: 50_000 })
  t.equal(offer.statusCode, 200, 'actions without text go on')

  const fulfilling = await claimIn(app, 'fulfilling')
  t.equal(fulfilling.order.seller, order.seller)
  const ship = await act(app, seller, fulfilling.claim.id, { action: 'confirm_shipment', tracking: 'RA123456789RU' })
  t.equal(ship.statusCode, 403, 'tracking is text the buyer reads')
  t.equal(ship.json().type, `${PROBLEM}chat-suspended`)

  const buyerText = await act(app, ['buyer', order.buyer], claim.id, { action: 'decline_offer' })
  t.equal(buyerText.statusCode, 200, 'the buyer is not affected')
})

t.test('a report_abuse comment is for arbiters: not in the buyer’s audit trail, feed or chat', async (t) => {
  const app = await buildTestApp(t)
  const { order, claim, seller, buyer } = await claimIn(app, 'awaiting_seller')
  const comment = 'Покупатель прислал свой номер 8 916 123-45-67 и угрожает'
  const res = await act(app, seller, claim.id, { action: 'report_abuse', comment })
  t.equal(res.statusCode, 200, res.body)

  const trail = async (as: [Parameters<TestApp['token']>[0], string]) => {
    const r = await app.call(as, { method: 'GET', url: `/v1/claims/${claim.id}/events` })
    t.equal(r.statusCode, 200)
    return r.json().items.find((e: { action: string }) => e.action === 'report_abuse')
  }
  const forBuyer = await trail(buyer)
  t.ok(forBuyer, 'the buyer sees that a report was made')
  t.notOk('comment' in forBuyer.payload, 'but not what it says')
  t.notMatch(JSON.stringify(forBuyer), /916/)
  t.equal((await trail(['arbiter', 'arb-1'])).payload.comment, comment, 'arbiters read it')
  t.equal((await trail(seller)).payload.comment, comment, 'and so does the seller who wrote it')
  t.notOk('comment' in (await trail(['service', 'marketplace'])).payload, 'the integration does not')

  const feed = await readAll(app, buyer)
  const reported = feed.items.find((e) => e.type === 'claim.event' && e.data.action === 'report_abuse')
  t.ok(reported, 'the buyer’s feed has the event')
  t.notOk('comment' in reported.data.payload, 'without the comment')
  t.notMatch(JSON.stringify(feed.items), /916 123/, 'nowhere in the buyer’s feed')

  const stored = await app.db
    .selectFrom('feed_events')
    .selectAll()
    .where('type', '=', 'claim.event')
    .where('claim_id', '=', claim.id)
    .execute()
  const row = stored.find((r) => (r.data as { action: string }).action === 'report_abuse')!
  const secret = app.config.pseudonymSecret
  // Webhook bodies are eventView for the webhook's owner.
  t.notOk('comment' in (eventView(row, { role: 'buyer', id: order.buyer }, secret).data as any).payload)
  t.notOk('comment' in (eventView(row, { role: 'service', id: 'marketplace' }, secret).data as any).payload)
  t.equal((eventView(row, { role: 'arbiter', id: 'arb-1' }, secret).data as any).payload.comment, comment)

  t.notOk(
    (await chatTexts(app, order)).some((text) => text.includes('916')),
    'the chat’s system message does not quote it',
  )
  t.same(await app.db.selectFrom('violations').select('id').execute(), [], 'not moderated: it quotes the abuse')
})
