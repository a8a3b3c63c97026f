// Sellers' chat settings, abuse reports, and moderation of claim action texts.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { DomainError } from '../../src/shared/errors.js'
import { moderateActionText } from '../../src/domain/moderation/enforcement.js'
import { openClaim, registerOrder } from '../helpers/fixtures.js'
import { orderWithThread, PROBLEM, send } from './fixtures/chat-app.js'

t.test(
  'pre-sale questions switched off: no new pre-sale threads, old ones readable, claim threads unaffected',
  async (t) => {
    const app = await buildTestApp(t)
    const old = await orderWithThread(app, { buyer: 'buyer-q', seller: 'shop-q' })
    t.equal(
      (await send(app, ['buyer', 'buyer-q'], old.threadId, 'Здравствуйте, есть ли гарантия на чайник?')).statusCode,
      201,
    )

    t.equal(
      (
        await app.call(['buyer', 'buyer-q'], {
          method: 'PUT',
          url: '/v1/sellers/me/chat-settings',
          payload: { presale_questions: false },
        })
      ).statusCode,
      403,
    )
    t.equal(
      (
        await app.call(['seller', 'shop-q'], {
          method: 'PUT',
          url: '/v1/sellers/me/chat-settings',
          payload: { presale_questions: 'no' },
        })
      ).statusCode,
      400,
    )
    const off = await app.call(['seller', 'shop-q'], {
      method: 'PUT',
      url: '/v1/sellers/me/chat-settings',
      payload: { presale_questions: false },
    })
    t.equal(off.statusCode, 200)
    t.same(off.json(), { presale_questions: false, official_domains: [] })

    const fresh = await registerOrder(app, { buyer: 'buyer-q', seller: 'shop-q' })
    const refused = await app.call(['buyer', 'buyer-q'], {
      method: 'POST',
      url: '/v1/threads',
      payload: { order_id: fresh.id },
    })
    t.equal(refused.statusCode, 403)
    t.equal(refused.json().type, `${PROBLEM}chat-disabled`)

    const read = await app.call(['buyer', 'buyer-q'], { method: 'GET', url: `/v1/threads/${old.threadId}/messages` })
    t.equal(read.statusCode, 200)
    t.equal(read.json().items.length, 1, 'the old thread stays readable')
    const buyerWrites = await send(app, ['buyer', 'buyer-q'], old.threadId, 'Ещё вопрос по доставке заказа')
    t.equal(buyerWrites.statusCode, 403, 'no new pre-sale questions in it either')
    t.equal(buyerWrites.json().type, `${PROBLEM}chat-disabled`)
    t.equal(
      (await send(app, ['seller', 'shop-q'], old.threadId, 'Гарантия на чайник 12 месяцев, обращайтесь')).statusCode,
      201,
      'the seller may still answer',
    )

    // A claim thread can never be switched off.
    await openClaim(app, fresh)
    const claimThread = await app.call(['buyer', 'buyer-q'], {
      method: 'POST',
      url: '/v1/threads',
      payload: { order_id: fresh.id },
    })
    t.equal(claimThread.statusCode, 200, 'the claim already opened the thread')
    t.equal(claimThread.json().has_claim, true)
    t.equal(
      (await send(app, ['buyer', 'buyer-q'], claimThread.json().id, 'Добавляю подробности по браку')).statusCode,
      201,
    )
    await openClaim(app, old.order)
    t.equal(
      (await send(app, ['buyer', 'buyer-q'], old.threadId, 'Теперь по заказу открыта претензия')).statusCode,
      201,
      'a claim reopens the old thread',
    )

    const on = await app.call(['seller', 'shop-q'], {
      method: 'PUT',
      url: '/v1/sellers/me/chat-settings',
      payload: { presale_questions: true },
    })
    t.equal(on.json().presale_questions, true)
    const again = await registerOrder(app, { buyer: 'buyer-q', seller: 'shop-q' })
    t.equal(
      (await app.call(['buyer', 'buyer-q'], { method: 'POST', url: '/v1/threads', payload: { order_id: again.id } }))
        .statusCode,
      201,
    )
  },
)

t.test('a seller reports an abusive buyer message; arbiters see it', async (t) => {
  const app = await buildTestApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-ab', seller: 'shop-ab' })
  const rude = await send(
    app,
    ['buyer', order.buyer],
    threadId,
    'Вы там совсем работать не умеете, верните деньги немедленно',
  )
  t.equal(rude.statusCode, 201, rude.body)
  const own = await send(
    app,
    ['seller', order.seller],
    threadId,
    'Здравствуйте! Пришлите, пожалуйста, фото, мы разберёмся.',
  )
  const url = (id: string) => `/v1/threads/${threadId}/messages/${id}/report`

  const report = await app.call(['seller', order.seller], {
    method: 'POST',
    url: url(rude.json().id),
    payload: { reason: 'rude and threatening' },
  })
  t.equal(report.statusCode, 201, report.body)
  t.match(report.json(), {
    thread_id: threadId,
    message_id: rude.json().id,
    reporter: { role: 'seller', id: 'shop-ab' },
    status: 'open',
  })
  t.match(report.json().reported, { role: 'buyer', pseudonym: /^buyer-/ })
  t.notMatch(report.body, /buyer-ab/, 'the seller’s report never names the buyer')
  const dup = await app.call(['seller', order.seller], { method: 'POST', url: url(rude.json().id), payload: {} })
  t.equal(dup.statusCode, 200)
  t.equal(dup.json().id, report.json().id, 'one report per message and reporter')

  t.equal(
    (await app.call(['seller', order.seller], { method: 'POST', url: url(own.json().id), payload: {} })).statusCode,
    422,
    'not one’s own message',
  )
  t.equal(
    (await app.call(['seller', 'shop-other'], { method: 'POST', url: url(rude.json().id), payload: {} })).statusCode,
    404,
  )
  t.equal(
    (await app.call(['seller', order.seller], { method: 'POST', url: url('999999'), payload: {} })).statusCode,
    404,
  )

  t.equal((await app.call(['seller', order.seller], { method: 'GET', url: '/v1/abuse-reports' })).statusCode, 403)
  const list = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/abuse-reports?status=open' })
  t.equal(list.statusCode, 200)
  t.equal(list.json().items.length, 1)
  t.match(list.json().items[0], {
    reported: { role: 'buyer', id: 'buyer-ab' },
    reason: 'rude and threatening',
    message: { text: /работать не умеете/ },
  })
  const closed = await app.call(['arbiter', 'arb-1'], {
    method: 'POST',
    url: `/v1/abuse-reports/${report.json().id}/close`,
    payload: { outcome: 'upheld' },
  })
  t.equal(closed.statusCode, 200)
  t.equal(closed.json().status, 'upheld')
  t.equal(
    (
      await app.call(['arbiter', 'arb-1'], {
        method: 'POST',
        url: `/v1/abuse-reports/${report.json().id}/close`,
        payload: { outcome: 'dismissed' },
      })
    ).statusCode,
    409,
  )
  t.same(
    (await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/abuse-reports?status=open' })).json().items,
    [],
  )
})

t.test('moderateActionText: claim action texts are moderated, and refusals recorded', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app, { buyer: 'buyer-act', seller: 'shop-act' })
  const claim = await openClaim(app, order)
  const deps = { policy: app.config.policy, clock: app.clock }
  const base = {
    db: app.db,
    party: { role: 'seller' as const, id: 'shop-act' },
    sellerId: 'shop-act',
    claimId: claim.id,
  }

  const fine = await moderateActionText(deps, {
    ...base,
    text: 'Дефект не подтвердился: шов цел, следов протечки нет.',
  })
  t.equal(fine.verdict, 'deliver')
  t.equal((await app.db.selectFrom('blocked_messages').select('id').execute()).length, 0)

  const err = await moderateActionText(deps, { ...base, text: 'Отказ. Позвоните мне 8 916 123-45-67, обсудим' }).catch(
    (e: unknown) => e,
  )
  t.ok(err instanceof DomainError)
  t.match(err, { status: 422, slug: 'message-blocked' })
  t.equal((err as DomainError).extensions.violations instanceof Array, true)
  const thread = await app.db
    .selectFrom('threads')
    .select('id')
    .where('order_id', '=', order.id)
    .executeTakeFirstOrThrow()
  const kept = await app.db.selectFrom('blocked_messages').selectAll().executeTakeFirstOrThrow()
  t.match(kept, { source: 'claim_action', claim_id: claim.id, thread_id: thread.id, sender_role: 'seller' })
  const recorded = await app.db.selectFrom('violations').selectAll().execute()
  t.ok(recorded.length >= 1)
  for (const v of recorded)
    t.match(v, {
      source: 'claim_action',
      claim_id: claim.id,
      thread_id: thread.id,
      blocked_message_id: kept.id,
      party_id: 'shop-act',
    })
  const contact = recorded.find((v) => v.rule === 'contact_exchange')
  t.equal(contact?.fine_amount, '2500000', 'the seller’s phone number is fined 25,000 RUB')

  // Inside a caller's transaction the records are written into it.
  const before = recorded.length
  await app.db.transaction().execute(async (tx) => {
    await moderateActionText(deps, { ...base, db: tx, text: 'Ты идиот' }).catch(() => undefined)
  })
  t.equal((await app.db.selectFrom('violations').select('id').execute()).length, before + 1)
  const claimsRow = await app.call(['seller', 'shop-act'], {
    method: 'GET',
    url: `/v1/violations?claim_id=${claim.id}`,
  })
  t.equal(claimsRow.json().items.length, before + 1)
})
