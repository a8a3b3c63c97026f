// Policy moderation_review = hold, in Chromium against the second service (support/server.ts --held):
// a seller's message moderation is unsure of is announced as held while typed, stored as held
// when sent, and delivered to the buyer only once an arbiter dismisses the flag.
import { expect, test } from '@playwright/test'
import { ok, unique, type As } from './support/api.js'
import { E2E } from './support/env.js'
import { checkPage, openAs } from './support/page.js'

/** A bare 10-digit number: a weak signal only, so the verdict is review, not block. */
const UNSURE = 'ок вот 9161234567'
const at = E2E.held.baseUrl

test.use({ baseURL: at })

test('a message moderation is unsure of is held for an arbiter, said so while typed and after sending, then released', async ({
  page,
  browser,
}) => {
  const buyer: As = ['buyer', unique('buyer')]
  const seller: As = ['seller', unique('shop')]
  const orderId = unique('order')
  await ok(
    ['service', 'marketplace'],
    'POST',
    '/v1/orders',
    {
      id: orderId,
      buyer_id: buyer[1],
      seller_id: seller[1],
      scheme: 'FBS',
      delivered_at: new Date(Date.now() - 24 * 3600_000).toISOString(),
      lines: [{ id: 'l1', sku: 'KETTLE-1', title: 'Electric kettle', quantity: 1, unit_price: 250_000 }],
    },
    at,
  )
  const thread = await ok(buyer, 'POST', '/v1/threads', { order_id: orderId }, at)
  await ok(buyer, 'POST', `/v1/threads/${thread.id}/messages`, { text: 'Здравствуйте, когда отправите чайник?' }, at)

  await openAs(page, seller, `/seller/chat/${thread.id}`)
  const chat = page.getByTestId('chat')
  await expect(chat).toContainText('когда отправите чайник')
  const message = page.getByLabel('Message', { exact: true })
  await message.fill(UNSURE)
  await expect(page.getByTestId('draft-hints')).toContainText(
    'An arbiter will check this text before the other party sees it',
  )
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeEnabled()
  await checkPage(page, 'held-draft')

  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await expect(page.getByTestId('message-held')).toContainText('an arbiter checks it')
  await expect(chat).toContainText(UNSURE)
  await expect(page.getByTestId('message-status')).toHaveText('Held for review: not delivered yet')
  await expect(message).toHaveValue('')
  await checkPage(page, 'held-sent')
  const buyerReads = async () =>
    (await ok(buyer, 'GET', `/v1/threads/${thread.id}/messages`, undefined, at)).items.map(
      (m: { text?: string }) => m.text,
    )
  expect(await buyerReads()).not.toContain(UNSURE)

  // The arbiters' desk lists it as held; an arbiter dismisses the flag: the message is delivered, and the sender's badge goes.
  const arbiter: As = ['arbiter', unique('arb')]
  const desk = await (await browser.newContext({ baseURL: at, locale: 'en-US' })).newPage()
  await openAs(desk, arbiter, '/arbiter/moderation')
  await desk.getByRole('tab', { name: 'Flagged messages' }).click()
  await expect(desk.getByRole('row').filter({ hasText: UNSURE })).toContainText('Held: not delivered')
  await checkPage(desk, 'held-desk')
  const own = await ok(seller, 'GET', `/v1/threads/${thread.id}/messages`, undefined, at)
  const sent = own.items.find((m: { text?: string }) => m.text === UNSURE)
  expect(sent?.status).toBe('held')
  const flags = await ok(arbiter, 'GET', '/v1/moderation/flags', undefined, at)
  const flag = flags.items.find((f: { message_id: string }) => f.message_id === sent.id)
  expect(flag, JSON.stringify(flags.items)).toBeTruthy()
  await ok(arbiter, 'POST', `/v1/moderation/flags/${flag.id}/dismiss`, undefined, at)
  expect(await buyerReads()).toContain(UNSURE)
  await page.reload()
  await expect(chat).toContainText(UNSURE)
  await expect(page.getByTestId('message-status')).toHaveCount(0)
})
