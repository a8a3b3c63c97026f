// Thresholds: a seller's repeated violations suspend their chat at once,
// pending an arbiter's review; a buyer's restrict their claims. Arbiters
// confirm, cancel or lift; cancelling a violation refunds its fine.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { isBuyerRestricted } from '../../src/domain/moderation/enforcement.js'
import { orderWithThread, PROBLEM, send } from './fixtures/chat-app.js'

const LURE = 'Пишите мне в телегу @shop_helper, там быстрее решим'
const CLEAN = 'Здравствуйте! Пришлите, пожалуйста, фото шва снизу, чтобы мы проверили брак.'
const HOUR = 3_600_000

t.test('threshold → suspension → 403 → an arbiter lifts → allowed again', async (t) => {
  const app = await buildTestApp(t, { seller_chat_suspend_threshold: 3 })
  const { threadId } = await orderWithThread(app, { buyer: 'buyer-s', seller: 'shop-s' })
  const phone = 'Скиньте ваш номер телефона, я перезвоню'

  t.equal((await send(app, ['seller', 'shop-s'], threadId, phone)).statusCode, 422)
  t.equal((await send(app, ['seller', 'shop-s'], threadId, phone)).statusCode, 422)
  t.equal((await send(app, ['seller', 'shop-s'], threadId, CLEAN)).statusCode, 201, 'two violations: still writing')
  t.equal(
    (await send(app, ['seller', 'shop-s'], threadId, phone)).statusCode,
    422,
    'the third violation is refused too',
  )

  const suspended = await send(app, ['seller', 'shop-s'], threadId, CLEAN)
  t.equal(suspended.statusCode, 403)
  t.equal(suspended.json().type, `${PROBLEM}chat-suspended`)
  t.equal(
    (await send(app, ['buyer', 'buyer-s'], threadId, 'Здравствуйте, жду ответа по заказу')).statusCode,
    201,
    'the buyer still writes',
  )

  const own = await app.call(['seller', 'shop-s'], { method: 'GET', url: '/v1/sanctions?party_id=shop-other' })
  t.equal(own.statusCode, 200, own.body)
  t.match(
    own.json().items,
    [{ party: { role: 'seller', id: 'shop-s' }, kind: 'chat_suspension', in_force: true }],
    'the seller reads its own suspension, whatever party it names',
  )
  const buyers = await app.call(['buyer', 'buyer-s'], { method: 'GET', url: '/v1/sanctions' })
  t.same(buyers.json().items, [], 'the buyer sees none of the seller’s')
  t.equal(
    (await app.call(['service', 'marketplace'], { method: 'GET', url: '/v1/sanctions' })).statusCode,
    403,
    'arbiters and the parties only',
  )
  const list = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/sanctions?status=pending_review' })
  t.equal(list.statusCode, 200)
  t.equal(list.json().items.length, 1)
  const sanction = list.json().items[0]
  t.match(sanction, {
    party: { role: 'seller', id: 'shop-s' },
    kind: 'chat_suspension',
    status: 'pending_review',
    in_force: true,
    violation_count: 3,
  })
  t.equal(suspended.json().sanction_id, sanction.id)

  const confirmed = await app.call(['arbiter', 'arb-1'], {
    method: 'POST',
    url: `/v1/sanctions/${sanction.id}/confirm`,
    payload: { comment: 'repeated requests for contacts' },
  })
  t.equal(confirmed.statusCode, 200, confirmed.body)
  t.equal(confirmed.json().status, 'confirmed')
  t.equal((await send(app, ['seller', 'shop-s'], threadId, CLEAN)).statusCode, 403, 'still suspended once confirmed')
  const cancelConfirmed = await app.call(['arbiter', 'arb-1'], {
    method: 'POST',
    url: `/v1/sanctions/${sanction.id}/cancel`,
    payload: {},
  })
  t.equal(cancelConfirmed.statusCode, 409, 'a confirmed sanction is lifted, not cancelled')
  t.equal(cancelConfirmed.json().type, `${PROBLEM}sanction-state-conflict`)

  const lifted = await app.call(['arbiter', 'arb-1'], {
    method: 'POST',
    url: `/v1/sanctions/${sanction.id}/lift`,
    payload: {},
  })
  t.equal(lifted.statusCode, 200, lifted.body)
  t.match(lifted.json(), { status: 'lifted', in_force: false, reviewed_by: 'arb-1' })
  t.equal(
    (await app.call(['arbiter', 'arb-1'], { method: 'POST', url: `/v1/sanctions/${sanction.id}/lift`, payload: {} }))
      .statusCode,
    409,
  )

  app.clock.advance(HOUR)
  t.equal((await send(app, ['seller', 'shop-s'], threadId, CLEAN)).statusCode, 201, 'allowed again')
  t.equal((await send(app, ['seller', 'shop-s'], threadId, phone)).statusCode, 422)
  t.equal(
    (await send(app, ['seller', 'shop-s'], threadId, CLEAN)).statusCode,
    201,
    'violations before the lift are spent',
  )
})

t.test('violations outside the window do not count; a pending sanction can be cancelled', async (t) => {
  const app = await buildTestApp(t, { seller_chat_suspend_threshold: 2, violation_window: 'P1D' })
  const { threadId } = await orderWithThread(app, { buyer: 'buyer-w', seller: 'shop-w' })
  t.equal((await send(app, ['seller', 'shop-w'], threadId, 'Ты идиот')).statusCode, 422)
  app.clock.advance(25 * HOUR)
  t.equal((await send(app, ['seller', 'shop-w'], threadId, 'Ты идиот')).statusCode, 422)
  t.equal(
    (await send(app, ['seller', 'shop-w'], threadId, CLEAN)).statusCode,
    201,
    'the first violation fell out of the window',
  )
  // The lure breaks two rules (off_platform_lure, contact_exchange): with the insult, three in the window.
  t.equal((await send(app, ['seller', 'shop-w'], threadId, LURE)).statusCode, 422)
  t.equal((await send(app, ['seller', 'shop-w'], threadId, CLEAN)).statusCode, 403)

  const [sanction] = (
    await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/sanctions?party_id=shop-w' })
  ).json().items
  const cancelled = await app.call(['arbiter', 'arb-1'], {
    method: 'POST',
    url: `/v1/sanctions/${sanction.id}/cancel`,
    payload: { comment: 'false positive' },
  })
  t.equal(cancelled.statusCode, 200)
  t.match(cancelled.json(), { status: 'cancelled', review_comment: 'false positive' })
  app.clock.advance(HOUR)
  t.equal((await send(app, ['seller', 'shop-w'], threadId, CLEAN)).statusCode, 201, 'cancel ends the effect')
})

t.test('buyers reaching the threshold get a claim restriction', async (t) => {
  const app = await buildTestApp(t, { buyer_restrict_threshold: 2 })
  const { threadId } = await orderWithThread(app, { buyer: 'buyer-r', seller: 'shop-r' })
  t.equal(await isBuyerRestricted(app.db, 'buyer-r'), false)
  t.equal((await send(app, ['buyer', 'buyer-r'], threadId, 'Ты идиот')).statusCode, 422)
  t.equal(await isBuyerRestricted(app.db, 'buyer-r'), false)
  t.equal((await send(app, ['buyer', 'buyer-r'], threadId, 'Какого хрена, блядь, вы мне прислали')).statusCode, 422)
  t.equal(await isBuyerRestricted(app.db, 'buyer-r'), true)
  t.equal(await isBuyerRestricted(app.db, 'buyer-other'), false)
  t.equal(
    (await send(app, ['buyer', 'buyer-r'], threadId, 'Здравствуйте, жду ответа по заказу')).statusCode,
    201,
    'a restricted buyer still chats',
  )

  const [sanction] = (
    await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/sanctions?kind=claim_restriction' })
  ).json().items
  t.match(sanction, { party: { role: 'buyer', id: 'buyer-r' }, status: 'pending_review' })
  await app.call(['arbiter', 'arb-1'], { method: 'POST', url: `/v1/sanctions/${sanction.id}/lift`, payload: {} })
  t.equal(await isBuyerRestricted(app.db, 'buyer-r'), false, 'lifting ends the restriction')
})

t.test('the ledger: filters, seller scope, cancelling refunds the fine', async (t) => {
  const app = await buildTestApp(t)
  const a = await orderWithThread(app, { buyer: 'buyer-l', seller: 'shop-l' })
  const b = await orderWithThread(app, { buyer: 'buyer-l2', seller: 'shop-l2' })
  await send(app, ['seller', 'shop-l'], a.threadId, 'Скиньте ваш номер телефона, я перезвоню')
  await send(app, ['seller', 'shop-l'], a.threadId, 'Ты идиот')
  await send(app, ['seller', 'shop-l2'], b.threadId, 'Ты идиот')
  await send(app, ['buyer', 'buyer-l'], a.threadId, 'Ты идиот')

  const all = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/violations' })
  t.equal(all.json().items.length, 4)
  const insults = await app.call(['arbiter', 'arb-1'], {
    method: 'GET',
    url: '/v1/violations?rule=insult&party_role=seller',
  })
  t.same(
    insults
      .json()
      .items.map((v: any) => v.party.id)
      .sort(),
    ['shop-l', 'shop-l2'],
  )
  const ofBuyer = await app.call(['arbiter', 'arb-1'], {
    method: 'GET',
    url: '/v1/violations?party_role=buyer&party_id=buyer-l',
  })
  t.equal(ofBuyer.json().items.length, 1)
  t.equal(
    (await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/violations?rule=nonsense' })).statusCode,
    400,
  )

  const mine = await app.call(['seller', 'shop-l'], { method: 'GET', url: '/v1/violations?party_role=buyer&limit=1' })
  t.equal(mine.statusCode, 200)
  t.equal(mine.json().items.length, 1)
  t.ok(
    mine.json().items.every((v: any) => v.party.id === 'shop-l'),
    'a seller reads only their own, whatever the filter',
  )
  t.notMatch(mine.body, /buyer-l/)
  const page2 = await app.call(['seller', 'shop-l'], {
    method: 'GET',
    url: `/v1/violations?limit=1&cursor=${mine.json().next_cursor}`,
  })
  t.equal(page2.json().items.length, 1)
  t.not(page2.json().items[0].id, mine.json().items[0].id)
  t.equal(page2.json().next_cursor, null)
  t.same(mine.json().totals.fines, { amount: 2_500_000 + 500_000, currency: 'RUB' })

  const phoneViolation = [...mine.json().items, ...page2.json().items].find(
    (v: any) => v.rule === 'personal_data_request',
  )
  t.equal(
    (
      await app.call(['seller', 'shop-l'], {
        method: 'POST',
        url: `/v1/violations/${phoneViolation.id}/cancel`,
        payload: {},
      })
    ).statusCode,
    403,
  )
  const cancelled = await app.call(['arbiter', 'arb-1'], {
    method: 'POST',
    url: `/v1/violations/${phoneViolation.id}/cancel`,
    payload: { reason: 'asked for the order number' },
  })
  t.equal(cancelled.statusCode, 200, cancelled.body)
  t.match(cancelled.json(), { status: 'cancelled', cancel_reason: 'asked for the order number' })
  const again = await app.call(['arbiter', 'arb-1'], {
    method: 'POST',
    url: `/v1/violations/${phoneViolation.id}/cancel`,
    payload: {},
  })
  t.equal(again.statusCode, 409)
  t.equal(again.json().type, `${PROBLEM}violation-already-cancelled`)
  const missing = await app.call(['arbiter', 'arb-1'], {
    method: 'POST',
    url: '/v1/violations/00000000-0000-4000-8000-000000000000/cancel',
    payload: {},
  })
  t.equal(missing.statusCode, 404)

  const totals = (await app.call(['seller', 'shop-l'], { method: 'GET', url: '/v1/violations' })).json().totals
  t.same(totals, {
    recorded: 1,
    fines: { amount: 500_000, currency: 'RUB' },
    cancelled: 1,
    refunded: { amount: 2_500_000, currency: 'RUB' },
  })
  t.equal((await app.call(['service', 'mp'], { method: 'GET', url: '/v1/violations' })).statusCode, 403)
})
