// Hints in the sender's language: Accept-Language picks Russian or English
// for the 422 message-blocked problem and for the draft check; Russian when
// the header names neither. And a paraphrase only the model reads gets the
// verdict review: delivered, flagged for arbiters.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { orderWithThread, PROBLEM } from './fixtures/chat-app.js'

const PHONE_REQUEST = 'Здравствуйте! Скиньте ваш номер телефона, я перезвоню'
const CYRILLIC = /[а-яё]/i

t.test('the 422 problem gives hints in the language Accept-Language asks for', async (t) => {
  // Seven refusals in a row: the chat must not be suspended half-way.
  const app = await buildTestApp(t, { seller_chat_suspend_threshold: 100 })
  const { threadId } = await orderWithThread(app, { buyer: 'buyer-1', seller: 'shop-1' })
  const post = (acceptLanguage?: string) =>
    app.call(['seller', 'shop-1'], {
      method: 'POST',
      url: `/v1/threads/${threadId}/messages`,
      payload: { text: PHONE_REQUEST },
      ...(acceptLanguage === undefined ? {} : { headers: { 'accept-language': acceptLanguage } }),
    })
  const hintsOf = (res: Awaited<ReturnType<typeof post>>): string[] => {
    t.equal(res.statusCode, 422, res.body)
    t.equal(res.json().type, `${PROBLEM}message-blocked`)
    return res.json().violations.map((v: { hint: string }) => v.hint)
  }
  for (const header of [undefined, 'ru', 'ru-RU,ru;q=0.9,en;q=0.8', 'fr-FR, de;q=0.8']) {
    const hints = hintsOf(await post(header))
    t.ok(hints.length > 0)
    for (const h of hints) {
      t.match(h, CYRILLIC, `${header ?? 'no header'}: Russian`)
      t.notMatch(h, /\(.*[a-z]{4}.*\)/, 'no English gloss beside it')
    }
  }
  for (const header of ['en', 'en-GB,en;q=0.9', 'de, en;q=0.5, ru;q=0.1']) {
    const hints = hintsOf(await post(header))
    for (const h of hints) {
      t.notMatch(h, CYRILLIC, `${header}: English`)
      t.match(h, /personal data|contact/i)
    }
  }
  const kept = await app.db.selectFrom('violations').select('hint').execute()
  t.ok(kept.length > 0)
  for (const v of kept) t.match(v.hint, CYRILLIC, 'the ledger keeps the platform’s language')
})

t.test('the draft check gives hints in the requested language', async (t) => {
  const app = await buildTestApp(t)
  const check = (acceptLanguage: string) =>
    app.call(['seller', 'shop-2'], {
      method: 'POST',
      url: '/v1/moderation/check',
      payload: { text: 'Пишите мне в телегу @shop_helper', sender_role: 'seller' },
      headers: { 'accept-language': acceptLanguage },
    })
  const en = await check('en-US')
  t.equal(en.statusCode, 200)
  t.equal(en.json().verdict, 'block')
  const ru = await check('ru')
  t.same(
    en.json().violations.map((v: { rule: string; excerpt: string }) => [v.rule, v.excerpt]),
    ru.json().violations.map((v: { rule: string; excerpt: string }) => [v.rule, v.excerpt]),
    'the same violations either way',
  )
  for (const v of en.json().violations) t.notMatch(v.hint, CYRILLIC)
  for (const v of ru.json().violations) t.match(v.hint, CYRILLIC)
  t.match(en.json().violations.find((v: { rule: string }) => v.rule === 'off_platform_lure').hint, /platform/)
})

t.test('a paraphrase only the model reads is delivered with a flag for arbiters', async (t) => {
  const app = await buildTestApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-3', seller: 'shop-3' })
  const text = 'Оформите возврат мимо площадки, я переведу деньги сам'
  const checked = await app.call(['seller', 'shop-3'], {
    method: 'POST',
    url: '/v1/moderation/check',
    payload: { text, sender_role: 'seller' },
    headers: { 'accept-language': 'en' },
  })
  t.equal(checked.json().verdict, 'review')
  t.match(checked.json().violations, [{ rule: 'off_platform_lure', excerpt: text }])
  t.notMatch(checked.json().violations[0].hint, CYRILLIC)

  const res = await app.call(['seller', 'shop-3'], {
    method: 'POST',
    url: `/v1/threads/${threadId}/messages`,
    payload: { text },
  })
  t.equal(res.statusCode, 201, res.body)
  const buyerView = await app.call(['buyer', order.buyer], { method: 'GET', url: `/v1/threads/${threadId}/messages` })
  t.equal(buyerView.json().items.length, 1, 'delivered')
  const flags = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/moderation/flags' })
  t.equal(flags.statusCode, 200)
  t.match(flags.json().items, [{ thread_id: threadId, text, violations: [{ rule: 'off_platform_lure' }] }])
  t.equal(
    (await app.db.selectFrom('violations').select('id').execute()).length,
    0,
    'no fine before an arbiter confirms',
  )
})
