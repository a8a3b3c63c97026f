// Contacts hidden by Unicode (digits of other scripts, bidirectional
// overrides, tag characters) are refused over the API like plain ones, and
// the ledger quotes what the sender typed.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { postClaimJson } from '../helpers/fixtures.js'
import { orderWithThread, PROBLEM, send } from './fixtures/chat-app.js'

const arabicIndic = (digits: string) =>
  [...digits].map((d) => String.fromCodePoint(0x660 + d.charCodeAt(0) - 48)).join('')
const tags = (s: string) => [...s].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('')

t.test('a seller’s phone hidden by Unicode is refused in chat and recorded as written', async (t) => {
  // Every attempt is refused on its own merits, not by a suspension after the third.
  const app = await buildTestApp(t, { seller_chat_suspend_threshold: 100 })
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-u1', seller: 'shop-u1' })
  const hidden = {
    'Arabic-Indic digits': arabicIndic('89161234567'),
    'a right-to-left override, typed backwards': '\u202e76-54-321-619-8\u202c',
    'tag characters between the digits': `8${tags('a')}916${tags('b')}123${tags('c')}45${tags('d')}67`,
    'Devanagari digits': '८९१६१२३४५६७',
  }
  for (const [how, phone] of Object.entries(hidden)) {
    const text = `Звоните мне ${phone}, решим без площадки`
    const res = await send(app, ['seller', order.seller], threadId, text)
    t.equal(res.statusCode, 422, `${how}: ${res.body}`)
    t.equal(res.json().type, `${PROBLEM}message-blocked`)
    const contact = res.json().violations.find((v: { rule: string }) => v.rule === 'contact_exchange')
    t.ok(contact, `${how}: contact_exchange`)
    t.ok(text.includes(contact.excerpt) && contact.excerpt.length > 0, `${how}: the excerpt quotes the original`)
  }
  const delivered = await app.call(['buyer', order.buyer], { method: 'GET', url: `/v1/threads/${threadId}/messages` })
  t.same(delivered.json().items, [], 'none reached the buyer')
  const ledger = await app.db
    .selectFrom('violations')
    .select(['rule', 'excerpt'])
    .where('party_id', '=', order.seller)
    .where('rule', '=', 'contact_exchange')
    .execute()
  t.equal(ledger.length, Object.keys(hidden).length, 'each attempt is in the ledger')
  t.ok(
    ledger.some((v) => v.excerpt === arabicIndic('89161234567')),
    'the ledger keeps the Arabic-Indic digits',
  )
})

t.test('the draft check and a claim description see through the same tricks', async (t) => {
  const app = await buildTestApp(t)
  const check = await app.call(['buyer', 'buyer-u2'], {
    method: 'POST',
    url: '/v1/moderation/check',
    payload: { text: `мой номер ${arabicIndic('89161234567')}`, sender_role: 'buyer' },
  })
  t.equal(check.json().verdict, 'block')
  const { order } = await orderWithThread(app, { buyer: 'buyer-u2', seller: 'shop-u2' })
  const res = await postClaimJson(app, order, {
    description: `Чайник течёт. Звоните 8${tags(' ')}916${tags(' ')}1234567`,
  })
  t.equal(res.statusCode, 422, res.body)
  t.equal(res.json().type, `${PROBLEM}message-blocked`)
})
