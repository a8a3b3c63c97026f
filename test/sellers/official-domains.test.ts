// Official domains: mail providers, messengers, shorteners, marketplaces and
// payment sites are refused; any other domain is pending until an arbiter
// approves it, and only approved domains let links through; an e-mail address
// never passes because of its domain.
import t from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { orderWithThread, PROBLEM, send } from '../chat/fixtures/chat-app.js'
import { forbiddenOfficialDomain } from '../../src/domain/moderation/official-domains.js'

const put = (app: TestApp, seller: string, domains: string[]) =>
  app.call(['seller', seller], { method: 'PUT', url: '/v1/sellers/me/official-domains', payload: { domains } })
const review = (app: TestApp, query = '') =>
  app.call(['arbiter', 'arb-1'], { method: 'GET', url: `/v1/moderation/official-domains${query}` })
const decide = (app: TestApp, id: string, decision: 'approve' | 'refuse', comment?: string) =>
  app.call(['arbiter', 'arb-1'], {
    method: 'POST',
    url: `/v1/moderation/official-domains/${id}/${decision}`,
    payload: comment === undefined ? {} : { comment },
  })

const LINK = 'Инструкция на сайте производителя https://kettle-maker.ru/manual, посмотрите раздел 3, пожалуйста'

t.test('mail providers, messengers, shorteners, marketplaces and payment sites are refused', async (t) => {
  const app = await buildTestApp(t)
  const refused: [string, RegExp][] = [
    ['gmail.com', /mail providers/],
    ['mail.ru', /mail providers/],
    ['Yandex.RU', /mail providers/],
    ['почта.рф', /mail providers/],
    ['bit.ly', /shorteners/],
    ['clck.ru', /shorteners/],
    ['telegram.org', /messengers/],
    ['vk.com', /messengers/],
    ['avito.ru', /marketplaces/],
    ['aliexpress.ru', /marketplaces/],
    ['paypal.me', /payment/],
    ['yoomoney.ru', /payment/],
    // Subdomains are covered too.
    ['e.mail.ru', /mail providers/],
    ['m.avito.ru', /marketplaces/],
    ['go.bit.ly', /shorteners/],
    ['web.telegram.org', /messengers/],
    ['ozon.ru', /platform domain/],
    ['seller.wildberries.ru', /platform domain/],
  ]
  for (const [domain, reason] of refused) {
    const res = await put(app, 'shop-od1', [domain])
    t.equal(res.statusCode, 422, `${domain}: ${res.body}`)
    t.equal(res.json().type, `${PROBLEM}validation-failed`)
    t.equal(res.json().errors[0].domain, domain)
    t.match(res.json().errors[0].reason, reason, domain)
  }
  const mixed = await put(app, 'shop-od1', ['kettle-maker.ru', 'gmail.com'])
  t.equal(mixed.statusCode, 422, 'one refused domain refuses the whole set')
  t.same((await app.call(['seller', 'shop-od1'], { method: 'GET', url: '/v1/sellers/me/official-domains' })).json(), {
    domains: [],
  })
  t.same(await app.db.selectFrom('seller_official_domains').select('domain').execute(), [], 'nothing stored')
})

t.test('the forbidden list covers subdomains but not look-alike names', async (t) => {
  t.equal(forbiddenOfficialDomain('gmail.com')?.category, 'mail')
  t.equal(forbiddenOfficialDomain('a.b.gmail.com')?.category, 'mail')
  t.equal(forbiddenOfficialDomain('xn--80a1acny.xn--p1ai')?.category, 'mail', 'почта.рф in punycode')
  t.equal(forbiddenOfficialDomain('notgmail.com'), null)
  t.equal(forbiddenOfficialDomain('gmail.com.kettle-maker.ru'), null)
  t.equal(forbiddenOfficialDomain('kettle-maker.ru'), null)
})

t.test('a new domain is pending; only an arbiter’s approval lets links through', async (t) => {
  const app = await buildTestApp(t)
  const { threadId } = await orderWithThread(app, { buyer: 'buyer-od2', seller: 'shop-od2' })
  const registered = await put(app, 'shop-od2', ['Kettle-Maker.RU', 'service.example.com.'])
  t.equal(registered.statusCode, 200, registered.body)
  t.match(registered.json().domains, [
    { domain: 'kettle-maker.ru', status: 'pending', reviewed_at: null },
    { domain: 'service.example.com', status: 'pending', reviewed_at: null },
  ])

  const pending = await send(app, ['seller', 'shop-od2'], threadId, LINK)
  t.equal(pending.statusCode, 422, 'a pending domain relaxes nothing')
  t.equal(pending.json().violations[0].rule, 'external_link')
  const draft = await app.call(['seller', 'shop-od2'], {
    method: 'POST',
    url: '/v1/moderation/check',
    payload: { text: LINK, sender_role: 'seller' },
  })
  t.equal(draft.json().verdict, 'block', 'nor in the draft check')

  t.equal(
    (await app.call(['seller', 'shop-od2'], { method: 'GET', url: '/v1/moderation/official-domains' })).statusCode,
    403,
  )
  const queue = await review(app)
  t.equal(queue.statusCode, 200, queue.body)
  // Registered in one request, so at one time: the order between them is the id's.
  const byDomain = (items: { id: string; domain: string }[]) =>
    [...items].sort((a, b) => a.domain.localeCompare(b.domain))
  t.match(byDomain(queue.json().items), [
    { seller_id: 'shop-od2', domain: 'kettle-maker.ru', display: 'kettle-maker.ru', status: 'pending' },
    { seller_id: 'shop-od2', domain: 'service.example.com', status: 'pending' },
  ])
  const id = byDomain(queue.json().items)[0]!.id

  t.equal(
    (
      await app.call(['seller', 'shop-od2'], {
        method: 'POST',
        url: `/v1/moderation/official-domains/${id}/approve`,
        payload: {},
      })
    ).statusCode,
    403,
    'sellers cannot approve their own domains',
  )
  const approved = await decide(app, id, 'approve', 'manufacturer site, checked')
  t.equal(approved.statusCode, 200, approved.body)
  t.match(approved.json(), {
    id,
    status: 'approved',
    reviewed_by: 'arb-1',
    review_comment: 'manufacturer site, checked',
    reviewed_at: /^2026-/,
  })
  t.equal((await decide(app, id, 'approve')).statusCode, 409, 'already approved')
  t.equal((await decide(app, '00000000-0000-4000-8000-000000000000', 'approve')).statusCode, 404)

  const delivered = await send(app, ['seller', 'shop-od2'], threadId, LINK)
  t.equal(delivered.statusCode, 201, delivered.body)
  t.match((await put(app, 'shop-od2', ['kettle-maker.ru', 'service.example.com'])).json().domains, [
    { domain: 'kettle-maker.ru', status: 'approved' },
    { domain: 'service.example.com', status: 'pending' },
  ])
  t.same(
    (await review(app)).json().items.map((d: { domain: string }) => d.domain),
    ['service.example.com'],
    'a kept domain keeps its review',
  )
  t.same(
    (await review(app, '?status=approved&seller_id=shop-od2')).json().items.map((d: { domain: string }) => d.domain),
    ['kettle-maker.ru'],
  )

  const refused = await decide(app, id, 'refuse', 'not the manufacturer after all')
  t.equal(refused.json().status, 'refused', 'an approval can be withdrawn')
  t.equal((await send(app, ['seller', 'shop-od2'], threadId, LINK)).statusCode, 422, 'and links are refused again')
  t.match((await app.call(['seller', 'shop-od2'], { method: 'GET', url: '/v1/sellers/me/chat-settings' })).json(), {
    official_domains: [{ domain: 'kettle-maker.ru', status: 'refused' }, { domain: 'service.example.com' }],
  })
})

t.test('the review list pages by cursor, oldest first', async (t) => {
  const app = await buildTestApp(t)
  for (let i = 0; i < 5; i++) {
    t.equal((await put(app, `shop-page-${i}`, [`maker-${i}.example.com`])).statusCode, 200)
    app.clock.advance(1000)
  }
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const res = await review(app, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(res.statusCode, 200, res.body)
    seen.push(...res.json().items.map((d: { domain: string }) => d.domain))
    cursor = res.json().next_cursor
  } while (cursor)
  t.same(
    seen,
    [0, 1, 2, 3, 4].map((i) => `maker-${i}.example.com`),
  )
  t.equal((await review(app, '?cursor=bm90LWEtY3Vyc29y')).statusCode, 422, 'a forged cursor is a 422')
})

t.test('a domain approved before the list covered it relaxes nothing and cannot be approved again', async (t) => {
  const app = await buildTestApp(t)
  const { threadId } = await orderWithThread(app, { buyer: 'buyer-od3', seller: 'shop-od3' })
  // Registered before the list existed, and approved then.
  const legacy = await app.db
    .insertInto('seller_official_domains')
    .values({
      seller_id: 'shop-od3',
      domain: 'bit.ly',
      status: 'approved',
      reviewed_by: 'arb-0',
      reviewed_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const res = await send(app, ['seller', 'shop-od3'], threadId, 'Инструкция тут: https://bit.ly/3xYzAbc, посмотрите')
  t.equal(res.statusCode, 422, res.body)
  t.equal(res.json().violations[0].rule, 'external_link')
  await app.db.updateTable('seller_official_domains').set({ status: 'pending' }).where('id', '=', legacy.id).execute()
  const approve = await decide(app, legacy.id, 'approve')
  t.equal(approve.statusCode, 422, approve.body)
  t.equal(approve.json().type, `${PROBLEM}official-domain-forbidden`)
})

t.test('an e-mail address is a contact whatever its domain', async (t) => {
  const app = await buildTestApp(t)
  const { threadId } = await orderWithThread(app, { buyer: 'buyer-od4', seller: 'shop-od4' })
  await put(app, 'shop-od4', ['kettle-maker.ru'])
  const [pending] = (await review(app)).json().items
  t.equal((await decide(app, pending.id, 'approve')).statusCode, 200)
  for (const address of ['service@kettle-maker.ru', 'help@service.kettle-maker.ru', 'support@ozon.ru']) {
    const res = await send(app, ['seller', 'shop-od4'], threadId, `Пишите на ${address}, ответим в течение дня`)
    t.equal(res.statusCode, 422, `${address}: ${res.body}`)
    t.ok(
      res
        .json()
        .violations.some(
          (v: { rule: string; excerpt: string }) => v.rule === 'contact_exchange' && v.excerpt === address,
        ),
      `${address} is contact_exchange`,
    )
  }
  t.equal(
    (await send(app, ['seller', 'shop-od4'], threadId, 'Инструкция: https://kettle-maker.ru/manual, раздел 3'))
      .statusCode,
    201,
    'while a link to the same domain passes',
  )
})
