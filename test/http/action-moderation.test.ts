// Free text in claim actions is moderated like chat, and the ledger keeps the refusal.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { act, approvedOfficialDomains, openClaim, postClaimJson, registerOrder } from '../helpers/fixtures.js'

t.test('a seller asking for the buyer phone in request_info is refused and fined', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  const res = await act(app, ['seller', order.seller], claim.id, {
    action: 'request_info',
    comment: 'Напишите ваш номер телефона, перезвоню и решим вопрос',
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().type, 'https://claimdesk.dev/problems/message-blocked')
  t.ok(res.json().violations.some((v: { rule: string }) => v.rule === 'personal_data_request'))
  const row = await app.db
    .selectFrom('claims')
    .select(['state', 'version'])
    .where('id', '=', claim.id)
    .executeTakeFirstOrThrow()
  t.same(row, { state: 'awaiting_seller', version: 1 }, 'the action did not happen')
  const ledger = await app.db
    .selectFrom('violations')
    .select(['party_id', 'rule', 'fine_amount'])
    .where('claim_id', '=', claim.id)
    .execute()
  t.ok(
    ledger.some(
      (v) => v.rule === 'personal_data_request' && v.party_id === order.seller && Number(v.fine_amount) === 2_500_000,
    ),
  )

  const clean = await act(app, ['seller', order.seller], claim.id, {
    action: 'request_info',
    comment: 'Пришлите, пожалуйста, фото шва снизу.',
  })
  t.equal(clean.statusCode, 200)
  t.equal(clean.json().state, 'awaiting_buyer_info')
})

t.test('a restricted buyer cannot open new claims', async (t) => {
  const app = await buildTestApp(t, { buyer_restrict_threshold: 1 })
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  await act(app, ['seller', order.seller], claim.id, {
    action: 'request_info',
    comment: 'Пришлите фото упаковки, пожалуйста.',
  })
  const abusive = await act(app, ['buyer', order.buyer], claim.id, {
    action: 'provide_info',
    text: 'Ты тупой урод, верни деньги',
  })
  t.equal(abusive.statusCode, 422)
  const next = await registerOrder(app)
  const refused = await postClaimJson(app, next, { description: 'Wrong colour.' })
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().type, 'https://claimdesk.dev/problems/claims-restricted')
})

t.test('a claim description is moderated: contact details refuse the claim and are recorded', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app)
  const res = await postClaimJson(app, order, {
    description: 'Не тот цвет. Пишите мне в телегу @kettle_buyer77, так быстрее',
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().type, 'https://claimdesk.dev/problems/message-blocked')
  t.ok(res.json().violations.some((v: { rule: string }) => v.rule === 'contact_exchange'))
  const claims = await app.db.selectFrom('claims').select('id').where('order_id', '=', order.id).execute()
  t.same(claims, [], 'no claim was opened')
  const ledger = await app.db
    .selectFrom('violations')
    .select(['party_role', 'party_id', 'rule', 'claim_id', 'source'])
    .execute()
  t.ok(
    ledger.length > 0 &&
      ledger.every(
        (v) =>
          v.party_role === 'buyer' && v.party_id === order.buyer && v.claim_id === null && v.source === 'claim_action',
      ),
  )
  t.ok(ledger.some((v) => v.rule === 'contact_exchange'))
  const blocked = await app.db.selectFrom('blocked_messages').select(['sender_id', 'text', 'claim_id']).execute()
  t.same(blocked, [
    { sender_id: order.buyer, text: 'Не тот цвет. Пишите мне в телегу @kettle_buyer77, так быстрее', claim_id: null },
  ])

  const clean = await postClaimJson(app, order, { description: 'Не тот цвет: пришёл синий вместо белого.' })
  t.equal(clean.statusCode, 201)
})

t.test("an action comment may link the seller's approved official domains, and no other site", async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  await approvedOfficialDomains(app, order.seller, ['kettle-maker.ru'])

  const foreign = await act(app, ['seller', order.seller], claim.id, {
    action: 'request_info',
    comment: 'Проверьте серийный номер на сайте https://kettle-checker.com/serial, пожалуйста.',
  })
  t.equal(foreign.statusCode, 422, 'a site the seller did not register is refused')
  t.ok(foreign.json().violations.some((v: { rule: string }) => v.rule === 'external_link'))

  const official = await act(app, ['seller', order.seller], claim.id, {
    action: 'request_info',
    comment: 'Проверьте серийный номер на сайте https://kettle-maker.ru/serial, пожалуйста.',
  })
  t.equal(official.statusCode, 200, official.body)
  t.equal(official.json().state, 'awaiting_buyer_info')
})
