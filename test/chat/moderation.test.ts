// Moderation before delivery: blocked messages are refused with their
// violations, kept for arbiters and recorded in the ledger with the fine.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { approvedOfficialDomains } from '../helpers/fixtures.js'
import { orderWithThread, PROBLEM, send } from './fixtures/chat-app.js'

const PHONE_REQUEST = 'Здравствуйте! Скиньте ваш номер телефона, я перезвоню'

t.test('a seller asking for the buyer’s phone is refused, kept and fined 25,000 RUB', async (t) => {
  const app = await buildTestApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-1', seller: 'shop-1' })
  const res = await send(app, ['seller', 'shop-1'], threadId, PHONE_REQUEST)
  t.equal(res.statusCode, 422, res.body)
  t.match(res.headers['content-type'], /application\/problem\+json/)
  const problem = res.json()
  t.equal(problem.type, `${PROBLEM}message-blocked`)
  t.ok(problem.violations.length >= 1)
  t.match(problem.violations[0], { rule: 'personal_data_request', excerpt: /телефона/, hint: /\S/ })

  const messages = await app.call(['buyer', order.buyer], { method: 'GET', url: `/v1/threads/${threadId}/messages` })
  t.same(messages.json().items, [], 'not delivered')

  const kept = await app.db.selectFrom('blocked_messages').selectAll().execute()
  t.equal(kept.length, 1)
  t.match(kept[0], {
    source: 'chat',
    thread_id: threadId,
    sender_role: 'seller',
    sender_id: 'shop-1',
    text: PHONE_REQUEST,
  })
  const ledger = await app.db.selectFrom('violations').selectAll().execute()
  t.equal(ledger.length, 1)
  t.match(ledger[0], {
    party_role: 'seller',
    party_id: 'shop-1',
    rule: 'personal_data_request',
    thread_id: threadId,
    blocked_message_id: kept[0]!.id,
    currency: 'RUB',
    status: 'recorded',
  })
  t.equal(ledger[0]!.fine_amount, '2500000', '25,000 RUB in minor units')

  const arbiter = await app.call(['arbiter', 'arb-1'], {
    method: 'GET',
    url: `/v1/moderation/blocked?thread_id=${threadId}`,
  })
  t.equal(arbiter.statusCode, 200)
  t.equal(arbiter.json().items[0].text, PHONE_REQUEST, 'arbiters read the refused attempt')
  t.equal((await app.call(['seller', 'shop-1'], { method: 'GET', url: '/v1/moderation/blocked' })).statusCode, 403)

  const own = await app.call(['seller', 'shop-1'], { method: 'GET', url: '/v1/violations' })
  t.equal(own.statusCode, 200)
  t.match(own.json().items[0], { rule: 'personal_data_request', fine: { amount: 2_500_000, currency: 'RUB' } })
  t.same(own.json().totals, {
    recorded: 1,
    fines: { amount: 2_500_000, currency: 'RUB' },
    cancelled: 0,
    refunded: { amount: 0, currency: 'RUB' },
  })
  t.notMatch(own.body, /buyer-1/, 'a seller’s ledger never names the buyer')
})

t.test('contact exchange, obscenity and a look-alike link are refused', async (t) => {
  const app = await buildTestApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-2', seller: 'shop-2' })
  const cases: [['buyer' | 'seller', string], string, string][] = [
    [['seller', 'shop-2'], 'Пишите мне в телегу @shop_helper, там быстрее решим', 'contact_exchange'],
    [['buyer', 'buyer-2'], 'Какого хрена, блядь, вы мне прислали', 'obscenity'],
    [['seller', 'shop-2'], 'Оформите возврат тут: https://ozоn.ru/returns', 'external_link'],
  ]
  for (const [who, text, rule] of cases) {
    const res = await send(app, who, threadId, text)
    t.equal(res.statusCode, 422, `${rule}: ${res.body}`)
    t.equal(res.json().type, `${PROBLEM}message-blocked`)
    t.ok(
      res.json().violations.some((v: { rule: string }) => v.rule === rule),
      `${rule} listed`,
    )
  }
  const look = await app.db
    .selectFrom('violations')
    .selectAll()
    .where('rule', '=', 'external_link')
    .executeTakeFirstOrThrow()
  t.equal(look.excerpt, 'https://ozоn.ru/returns')
  const lure = await app.db
    .selectFrom('violations')
    .select(['rule', 'fine_amount'])
    .where('party_id', '=', 'shop-2')
    .where('thread_id', '=', threadId)
    .orderBy('rule')
    .execute()
  t.same(
    lure.filter((v) => v.rule !== 'external_link'),
    [
      { rule: 'contact_exchange', fine_amount: '2500000' },
      { rule: 'off_platform_lure', fine_amount: '1000000' },
    ],
    'one ledger entry and one fine per rule broken, though the handle showed up twice',
  )
  const buyerFine = await app.db
    .selectFrom('violations')
    .selectAll()
    .where('party_role', '=', 'buyer')
    .executeTakeFirstOrThrow()
  t.equal(buyerFine.fine_amount, '0', 'buyers are fined by buyer_fines (0 by default)')
  t.equal(
    await app.db
      .selectFrom('blocked_messages')
      .select('id')
      .execute()
      .then((r) => r.length),
    3,
  )
  const delivered = await app.call(['seller', order.seller], { method: 'GET', url: `/v1/threads/${threadId}/messages` })
  t.same(delivered.json().items, [])
})

t.test('links to the seller’s official domains are delivered, others refused', async (t) => {
  const app = await buildTestApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-3', seller: 'shop-3' })
  const text = 'Инструкция на сайте производителя https://kettle-maker.ru/manual, посмотрите раздел 3, пожалуйста'
  const before = await send(app, ['seller', 'shop-3'], threadId, text)
  t.equal(before.statusCode, 422, 'not yet an official domain')
  t.equal(before.json().violations[0].rule, 'external_link')

  const set = await app.call(['seller', 'shop-3'], {
    method: 'PUT',
    url: '/v1/sellers/me/official-domains',
    payload: { domains: ['Kettle-Maker.RU', 'service.example.com.'] },
  })
  t.equal(set.statusCode, 200, set.body)
  t.same(
    set.json().domains.map((d: { domain: string }) => d.domain),
    ['kettle-maker.ru', 'service.example.com'],
    'lowercased, trailing dot dropped',
  )
  t.equal((await send(app, ['seller', 'shop-3'], threadId, text)).statusCode, 422, 'pending until an arbiter approves')
  await approvedOfficialDomains(app, 'shop-3', ['kettle-maker.ru', 'service.example.com'])

  const after = await send(app, ['seller', 'shop-3'], threadId, text)
  t.equal(after.statusCode, 201, after.body)
  t.equal(after.json().text, text)
  const platform = await send(
    app,
    ['buyer', order.buyer],
    threadId,
    'Вот мой заказ на https://www.ozon.ru/my/orders, номер в описании',
  )
  t.equal(platform.statusCode, 201, 'platform domains are always allowed')
  const otherShop = await orderWithThread(app, { buyer: 'buyer-3', seller: 'shop-4' })
  t.equal(
    (await send(app, ['seller', 'shop-4'], otherShop.threadId, text)).statusCode,
    422,
    'another seller’s official domain is not allowed',
  )
})

t.test('official domains are validated', async (t) => {
  const app = await buildTestApp(t)
  const put = (domains: unknown) =>
    app.call(['seller', 'shop-5'], { method: 'PUT', url: '/v1/sellers/me/official-domains', payload: { domains } })
  for (const bad of [
    'https://example.com/x',
    'localhost',
    '192.168.0.1',
    'exa mple.com',
    '-bad.com',
    't.me',
    'wa.me',
    'ozon-returns.ru',
    'ozоn.ru',
  ]) {
    const res = await put([bad])
    t.equal(res.statusCode, 422, `${bad} refused`)
    t.equal(res.json().errors[0].domain, bad)
  }
  t.equal((await put(Array.from({ length: 21 }, (_, i) => `d${i}.example.com`))).statusCode, 400, 'at most 20')
  t.equal(
    (
      await app.call(['buyer', 'buyer-5'], {
        method: 'PUT',
        url: '/v1/sellers/me/official-domains',
        payload: { domains: [] },
      })
    ).statusCode,
    403,
  )
  const ok = await put(['пример.рф', 'samsung.com'])
  t.equal(ok.statusCode, 200)
  t.same(
    ok.json().domains.map((d: { domain: string }) => d.domain),
    ['samsung.com', 'xn--e1afmkfd.xn--p1ai'],
    'IDN stored in punycode',
  )
  const cleared = await put([])
  t.same(cleared.json().domains, [])
  const settings = await app.call(['seller', 'shop-5'], { method: 'GET', url: '/v1/sellers/me/chat-settings' })
  t.same(settings.json(), { presale_questions: true, official_domains: [] })
})

t.test('POST /v1/moderation/check returns the verdict and writes nothing', async (t) => {
  const app = await buildTestApp(t)
  await approvedOfficialDomains(app, 'shop-6', ['kettle-maker.ru'])
  const check = (as: ['buyer' | 'seller' | 'arbiter', string], text: string, sender_role: string) =>
    app.call(as, { method: 'POST', url: '/v1/moderation/check', payload: { text, sender_role } })

  const blocked = await check(['seller', 'shop-6'], PHONE_REQUEST, 'seller')
  t.equal(blocked.statusCode, 200)
  t.equal(blocked.json().verdict, 'block')
  t.equal(blocked.json().violations[0].rule, 'personal_data_request')
  const clean = await check(
    ['seller', 'shop-6'],
    'Здравствуйте! Пришлите, пожалуйста, фото шва снизу, чтобы мы проверили брак.',
    'seller',
  )
  t.same(clean.json(), { verdict: 'deliver', violations: [], held: false })
  const link = 'Инструкция: https://kettle-maker.ru/manual, раздел про уход за чайником'
  t.equal(
    (await check(['seller', 'shop-6'], link, 'seller')).json().verdict,
    'deliver',
    'the seller’s approved official domain counts',
  )
  t.equal(
    (await check(['buyer', 'buyer-6'], link, 'buyer')).json().verdict,
    'block',
    'a buyer caller has no official domains',
  )
  const review = await check(['buyer', 'buyer-6'], 'ок вот 9161234567', 'buyer')
  t.equal(review.json().verdict, 'review')

  t.equal((await check(['seller', 'shop-6'], '', 'seller')).statusCode, 400)
  t.equal((await check(['seller', 'shop-6'], 'текст', 'system')).statusCode, 400)
  t.equal(
    (
      await app.call(null, {
        method: 'POST',
        url: '/v1/moderation/check',
        payload: { text: 'x', sender_role: 'buyer' },
      })
    ).statusCode,
    401,
  )
  for (const table of ['blocked_messages', 'violations', 'message_flags'] as const) {
    t.equal((await app.db.selectFrom(table).select('id').execute()).length, 0, `${table} untouched`)
  }
})

t.test('a `review` verdict delivers the message and flags it for arbiters', async (t) => {
  const app = await buildTestApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-7', seller: 'shop-7' })
  const res = await send(app, ['buyer', order.buyer], threadId, 'ок вот 9161234567')
  t.equal(res.statusCode, 201, res.body)
  t.notOk('moderation' in res.json(), 'the sender does not see moderation notes')
  const sellerView = await app.call(['seller', order.seller], {
    method: 'GET',
    url: `/v1/threads/${threadId}/messages`,
  })
  t.equal(sellerView.json().items.length, 1, 'delivered')
  t.notOk('moderation' in sellerView.json().items[0])
  const arbiterView = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: `/v1/threads/${threadId}/messages` })
  t.equal(arbiterView.json().items[0].moderation.verdict, 'review')
  t.equal(
    (await app.db.selectFrom('violations').select('id').execute()).length,
    0,
    'nothing in the ledger until confirmed',
  )

  const flags = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/moderation/flags' })
  t.equal(flags.json().items.length, 1)
  const flag = flags.json().items[0]
  t.match(flag, {
    message_id: res.json().id,
    thread_id: threadId,
    sender: { role: 'buyer', id: 'buyer-7' },
    status: 'open',
  })
  const confirmed = await app.call(['arbiter', 'arb-1'], {
    method: 'POST',
    url: `/v1/moderation/flags/${flag.id}/confirm`,
  })
  t.equal(confirmed.statusCode, 200, confirmed.body)
  t.equal(confirmed.json().violations[0].rule, 'contact_exchange')
  t.equal(confirmed.json().violations[0].message_id, res.json().id)
  const twice = await app.call(['arbiter', 'arb-1'], { method: 'POST', url: `/v1/moderation/flags/${flag.id}/dismiss` })
  t.equal(twice.statusCode, 409)
  t.equal(
    (await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/moderation/flags' })).json().items.length,
    0,
    'no open flags left',
  )
})
