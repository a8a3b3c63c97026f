// The sellers' desk in Chromium against the real service; the buyer's moves are made through the API.
import { expect, test, type Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { act, call, noisePhoto, ok, openDefectClaim, unique, type Parties } from './support/api.js'
import { checkPage, holdDraftChecks, openAs } from './support/page.js'

const PHONE_DRAFT = 'Позвоните мне по номеру +7 916 123-45-67, решим всё быстро'
const utcDate = (offsetDays = 0) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)

/** A wrong-item claim on a second SKU, so the list has two reasons to filter between. */
async function openWrongItemClaim(parties: Parties) {
  const orderId = unique('order')
  await ok(['service', 'marketplace'], 'POST', '/v1/orders', {
    id: orderId,
    buyer_id: parties.buyer,
    seller_id: parties.seller,
    scheme: 'FBO',
    delivered_at: new Date(Date.now() - 2 * 24 * 3600_000).toISOString(),
    lines: [{ id: 'l1', sku: 'MUG-2', title: 'Ceramic mug', quantity: 1, unit_price: 90_000 }],
  })
  const form = new FormData()
  form.set('order_id', orderId)
  form.set('line_id', 'l1')
  form.set('reason', 'wrong_item')
  form.set('requested_resolution', 'replacement')
  form.set('description', 'A blue mug came instead of the white one I ordered.')
  form.append('photos', new Blob([new Uint8Array(await noisePhoto())], { type: 'image/jpeg' }), 'mug.jpg')
  const claim = await ok(['buyer', parties.buyer], 'POST', '/v1/claims', form)
  return { orderId, claimId: claim.id as string }
}

/** A webhook receiver on loopback that answers every delivery 200 and counts them. */
async function receiver(): Promise<{ url: string; received: () => number; server: Server }> {
  let count = 0
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      count++
      response.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/claimdesk`, received: () => count, server }
}

async function openAccordion(page: Page, name: string) {
  await page.getByRole('button', { name, exact: true }).click()
}

test('a seller filters to one reason, offers a compensation, the buyer declines, the seller rejects; a phone number in a draft is hinted and cannot be sent; the stats and the CSV match the API', async ({
  page,
}) => {
  const parties = { buyer: unique('buyer'), seller: unique('shop') }
  const defect = (await openDefectClaim(parties)).claim
  const wrong = await openWrongItemClaim(parties)

  await openAs(page, ['seller', parties.seller], '/seller')
  await expect(page).toHaveURL(/\/seller$/)
  expect(new URL(page.url()).hash).toBe('')
  const defectRow = page.locator(`tr[data-claim-id="${defect.id}"]`)
  const wrongRow = page.locator(`tr[data-claim-id="${wrong.claimId}"]`)
  await expect(defectRow).toBeVisible()
  await expect(wrongRow).toBeVisible()
  // The buyer only by pseudonym; the deadline relative (10 days to answer).
  await expect(defectRow).toContainText(/buyer-[\w-]{12}/)
  await expect(defectRow).not.toContainText(parties.buyer)
  await expect(defectRow).toContainText('within 9 days')
  await checkPage(page, 'seller-claims')

  // One reason: the filter goes into the URL and survives a reload (a bookmark).
  await page.getByRole('textbox', { name: 'Reason' }).click()
  await page.getByRole('option', { name: 'Wrong item' }).click()
  await page.keyboard.press('Escape')
  await expect(page).toHaveURL(/reason=wrong_item/)
  await expect(wrongRow).toBeVisible()
  await expect(defectRow).toBeHidden()
  await page.reload()
  await expect(wrongRow).toBeVisible()
  await expect(defectRow).toBeHidden()
  await checkPage(page, 'seller-claims-filtered')

  // The CSV of the filtered list: exactly the rows listed.
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Download CSV' }).click()
  const csv = readFileSync(await (await download).path(), 'utf8')
  const rows = csv.trim().split(/\r?\n/)
  expect(rows[0]).toMatch(/^claim_id,created_at,state,reason/)
  expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual([wrong.claimId])
  expect(csv).not.toContain(parties.buyer)

  await page.getByRole('button', { name: 'Clear filters' }).click()
  await expect(page).toHaveURL(/\/seller$/)
  await page.getByText('Deadline first').click()
  await expect(page).toHaveURL(/sort=due_at/)
  await expect(defectRow).toBeVisible()
  await expect(wrongRow).toBeVisible()
  await defectRow.getByRole('link', { name: defect.id.slice(0, 8) }).click()
  await expect(page.getByRole('heading', { name: `Claim ${defect.id.slice(0, 8)}` })).toBeVisible()
  // The description (the chat's claim card quotes it too, after "Claim opened").
  await expect(
    page.getByText('The kettle leaks from the bottom seam after the second use.', { exact: true }),
  ).toBeVisible()
  await expect(page.getByTestId('buyer-pseudonym')).toHaveText(/^buyer-[\w-]{12}$/)
  await expect(page.getByTestId('deadline').first()).toContainText('Seller’s answer')
  await checkPage(page, 'seller-claim')

  // A compensation bounded to 1 … line total − 1, with the offers left.
  await openAccordion(page, 'Offer a compensation')
  await expect(page.getByText('From ₽0.01 to ₽2,499.99')).toBeVisible()
  await expect(page.getByTestId('offers-left')).toHaveText('Offers left on this claim: 2')
  await page.getByLabel('Amount').fill('600')
  await checkPage(page, 'seller-offer')
  await page.getByRole('button', { name: 'Send the offer' }).click()
  await expect(page.getByText('The offer is sent')).toBeVisible()
  await expect(page.getByTestId('offer')).toContainText('Pending')
  expect((await ok(['seller', parties.seller], 'GET', `/v1/claims/${defect.id}`)).offers[0]).toMatchObject({
    kind: 'compensation',
    amount: 60_000,
    status: 'pending',
  })

  await act(['buyer', parties.buyer], defect.id, { action: 'decline_offer' })
  await page.reload()
  await expect(page.getByTestId('offer')).toContainText('Declined')

  // A phone number in the rejection's comment: the hint shows as it is typed, the send stays shut.
  const before = await ok(['seller', parties.seller], 'GET', `/v1/claims/${defect.id}`)
  await openAccordion(page, 'Reject')
  const comment = page.getByLabel('Your explanation to the buyer')
  await comment.fill(PHONE_DRAFT)
  await expect(page.getByTestId('draft-hints')).toContainText('+7 916 123-45-67')
  await expect(page.getByRole('button', { name: 'Reject the claim' })).toBeDisabled()
  await checkPage(page, 'seller-draft-blocked')
  const unchanged = await ok(['seller', parties.seller], 'GET', `/v1/claims/${defect.id}`)
  expect(unchanged.version).toBe(before.version)
  const ledger = await ok(['seller', parties.seller], 'GET', '/v1/violations')
  expect(ledger.items).toEqual([])

  await page.getByRole('textbox', { name: 'Reason' }).click()
  await page.getByRole('option', { name: 'Mechanical damage' }).click()
  await comment.fill('We inspected the photos: the seam was cracked by a blow, not by a defect.')
  await expect(page.getByTestId('draft-hints')).toBeHidden()
  await page.getByRole('button', { name: 'Reject the claim' }).click()
  await expect(page.getByText('The claim is rejected')).toBeVisible()
  const rejected = await ok(['seller', parties.seller], 'GET', `/v1/claims/${defect.id}`)
  expect(rejected.state).toBe('rejected')
  // Only the abuse report is left to the seller; the chat tells of the rejection.
  await expect(page.getByRole('button', { name: 'Reject', exact: true })).toBeHidden()
  await expect(page.getByRole('button', { name: 'Report an abusive buyer' })).toBeVisible()
  await expect(page.getByTestId('chat')).toContainText('reject')

  // The statistics page shows what the endpoint returns for the same period.
  const from = utcDate(-1)
  const to = utcDate(0)
  await page.goto(`/seller/stats?from=${from}&to=${to}`)
  const stats = await ok(['seller', parties.seller], 'GET', `/v1/sellers/me/stats?from=${from}&to=${utcDate(1)}`)
  expect(stats.claims).toBe(2)
  await expect(page.getByTestId('stat-claims')).toHaveText(String(stats.claims))
  await expect(page.getByTestId('stat-responded')).toHaveText(String(stats.first_response.responded))
  await expect(page.getByTestId('stat-escalated')).toContainText(`(${stats.escalated})`)
  await expect(page.getByTestId('stat-against')).toContainText(`(${stats.decided_against_seller})`)
  for (const { reason, claims } of stats.by_reason) {
    await expect(page.locator(`tr[data-reason="${reason}"]`)).toContainText(String(claims))
  }
  for (const { sku, claims } of stats.by_sku) {
    await expect(page.locator(`tr[data-sku="${sku}"]`)).toContainText(String(claims))
  }
  await expect(page.locator('.recharts-bar-rectangle').first()).toBeAttached()
  await checkPage(page, 'seller-stats')
})

test('the claim chat: photos are checked before upload, a send the server refuses keeps the draft and says why', async ({
  page,
}) => {
  const parties = { buyer: unique('buyer'), seller: unique('shop') }
  const { claim } = await openDefectClaim(parties)
  await openAs(page, ['seller', parties.seller], `/seller/claims/${claim.id}`)
  const chat = page.getByTestId('chat')
  await expect(chat).toBeVisible()

  // A file that is not an image is named at once and blocks the send.
  const input = page.locator('form[aria-label="Write a message"] input[type="file"]')
  await input.setInputFiles([
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
    { name: 'seam.jpg', mimeType: 'image/jpeg', buffer: await noisePhoto() },
  ])
  await expect(page.getByText('Not a photo type the service reads')).toBeVisible()
  await page.getByLabel('Message', { exact: true }).fill('Здравствуйте! Посмотрим шов на фото и вернёмся с решением.')
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled()
  await page.getByRole('button', { name: 'Remove photo 1' }).click()
  await expect(page.getByRole('img', { name: 'Photo 1 to send: seam.jpg' })).toBeVisible()
  await checkPage(page, 'seller-chat-compose')
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await expect(chat.getByText('Посмотрим шов на фото')).toBeVisible()
  await expect(chat.getByRole('button', { name: 'Enlarge photo 1' })).toBeVisible()

  // The draft check answers late (held back here): the send goes out and the server refuses it.
  const release = await holdDraftChecks(page)
  const message = page.getByLabel('Message', { exact: true })
  await message.fill(PHONE_DRAFT)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await expect(page.getByTestId('draft-hints')).toContainText('Not sent: moderation refused the text')
  await expect(page.getByTestId('draft-hints')).toContainText('+7 916 123-45-67')
  await expect(message).toHaveValue(PHONE_DRAFT)
  await checkPage(page, 'seller-chat-refused')
  await release()
  const thread = (await ok(['seller', parties.seller], 'GET', `/v1/threads?order_id=${claim.order_id}`)).items[0]
  const messages = await ok(['seller', parties.seller], 'GET', `/v1/threads/${thread.id}/messages`)
  expect(messages.items.filter((m: { text?: string }) => m.text?.includes('916'))).toEqual([])

  // Past one page (20): the claim's opening message comes in when the list is scrolled to its end.
  for (let i = 1; i <= 11; i++) {
    await ok(['buyer', parties.buyer], 'POST', `/v1/threads/${thread.id}/messages`, {
      text: `Вопрос покупателя номер ${i}`,
    })
    await ok(['seller', parties.seller], 'POST', `/v1/threads/${thread.id}/messages`, {
      text: `Ответ продавца номер ${i}`,
    })
  }
  await page.reload()
  await expect(chat).toContainText('Ответ продавца номер 11')
  await expect(chat).not.toContainText('Claim opened')
  await chat.evaluate((list) => list.scrollTo(0, list.scrollHeight))
  await expect(chat).toContainText('Claim opened')
})

test('a walk of every seller page: the buyer’s id is in no response the browser receives and nowhere in the DOM', async ({
  page,
}) => {
  const parties = { buyer: unique('buyer'), seller: unique('shop') }
  const { claim, orderId } = await openDefectClaim(parties)
  await openWrongItemClaim(parties)
  const thread = (await ok(['buyer', parties.buyer], 'GET', `/v1/threads?order_id=${orderId}`)).items[0]
  await ok(['buyer', parties.buyer], 'POST', `/v1/threads/${thread.id}/messages`, {
    text: 'Добрый день, жду вашего решения по чайнику.',
  })
  // Refused messages until the chat is suspended (pending review): violations in the ledger, and a suspension.
  for (let i = 0; i < 10; i++) {
    const refused = await call(['seller', parties.seller], 'POST', `/v1/threads/${thread.id}/messages`, {
      text: `${PHONE_DRAFT} (${i})`,
    })
    if (refused.status === 403) break
    expect(refused.status).toBe(422)
  }
  const violations = await ok(['seller', parties.seller], 'GET', '/v1/violations')
  expect(violations.totals.recorded).toBeGreaterThanOrEqual(5)

  // A pre-sale question: an order without a claim, a thread the buyer starts.
  const presaleOrder = unique('order')
  const order = (id: string) => ({
    id,
    buyer_id: parties.buyer,
    seller_id: parties.seller,
    scheme: 'FBS',
    lines: [{ id: 'l1', sku: 'TEAPOT-3', title: 'Glass teapot', quantity: 1, unit_price: 150_000 }],
  })
  await ok(['service', 'marketplace'], 'POST', '/v1/orders', order(presaleOrder))
  const presaleThread = await ok(['buyer', parties.buyer], 'POST', '/v1/threads', { order_id: presaleOrder })
  await ok(['buyer', parties.buyer], 'POST', `/v1/threads/${presaleThread.id}/messages`, {
    text: 'Подходит ли этот чайник для индукционной плиты?',
  })

  const bodies: Promise<string>[] = []
  page.on('response', (response) => {
    bodies.push(
      response
        .body()
        .then((b) => b.toString('latin1'))
        .catch(() => ''),
    )
  })
  const noBuyerInDom = async (name: string) => {
    expect(await page.content(), `DOM of ${name}`).not.toContain(parties.buyer)
  }

  await openAs(page, ['seller', parties.seller], '/seller')
  await expect(page.getByTestId('claims-table')).toBeVisible()
  await noBuyerInDom('claims')
  await page.getByText('RU', { exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Претензии' })).toBeVisible()
  await expect(page.getByTestId('claims-table')).toContainText('Ждёт продавца')
  await checkPage(page, 'seller-claims-ru')
  await page.getByText('EN', { exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Claims' })).toBeVisible()

  await page.goto(`/seller/claims/${claim.id}`)
  await expect(page.getByTestId('chat')).toContainText('жду вашего решения')
  await noBuyerInDom('claim')

  await page.getByRole('link', { name: 'Chat' }).click()
  await expect(page.getByTestId('threads-table')).toBeVisible()
  await expect(page.getByTestId('threads-table')).toContainText(/buyer-[\w-]{12}/)
  await expect(page.getByTestId('threads-table')).toContainText('Pre-sale question')
  await checkPage(page, 'seller-chat-threads')
  await page.getByRole('link', { name: orderId }).click()
  await expect(page.getByTestId('chat')).toContainText('жду вашего решения')
  await checkPage(page, 'seller-chat-thread')
  await noBuyerInDom('thread')

  await page.getByRole('link', { name: 'Statistics' }).click()
  await expect(page.getByTestId('stat-claims')).toHaveText('2')
  await noBuyerInDom('stats')

  await page.getByRole('link', { name: 'Violations and fines' }).click()
  await expect(page.getByTestId('total-recorded')).toHaveText(String(violations.totals.recorded))
  await expect(page.getByTestId('suspensions')).toContainText('Your chat is suspended')
  await expect(page.getByTestId('suspensions')).toContainText('until an arbiter reviews it')
  await expect(page.getByTestId('ledger')).toContainText('Contact details')
  await checkPage(page, 'seller-violations')
  await noBuyerInDom('violations')

  await page.getByRole('link', { name: 'Settings' }).click()
  const presale = page.getByRole('switch', { name: 'Buyers may ask questions before a claim' })
  await expect(presale).toBeChecked()
  await presale.click({ force: true })
  await expect(presale).not.toBeChecked()
  await expect
    .poll(async () => (await ok(['seller', parties.seller], 'GET', '/v1/sellers/me/chat-settings')).presale_questions)
    .toBe(false)
  await expect(page.getByText('Claim threads stay open whatever this says.')).toBeVisible()
  const laterOrder = unique('order')
  await ok(['service', 'marketplace'], 'POST', '/v1/orders', order(laterOrder))
  const refusedThread = await call(['buyer', parties.buyer], 'POST', '/v1/threads', { order_id: laterOrder })
  expect(refusedThread.status).toBe(403)
  expect(refusedThread.body.type).toMatch(/chat-disabled$/)

  const domains = page.getByRole('textbox', { name: 'Domains' })
  await domains.fill('kettle-maker.ru')
  await domains.press('Enter')
  await page.getByRole('button', { name: 'Save the domains' }).click()
  await expect(page.getByTestId('domains')).toContainText('Awaiting review')

  const hook = await receiver()
  await page.getByLabel('URL').fill(hook.url)
  await page.getByRole('button', { name: 'Register', exact: true }).click()
  const secret = page.getByTestId('webhook-secret')
  await expect(secret).toContainText('shown this once')
  const shown = (await secret.locator('pre').textContent())?.trim() ?? ''
  expect(shown.length).toBeGreaterThan(16)
  await expect(page.getByTestId('webhooks')).toContainText(hook.url)
  const listed = await ok(['seller', parties.seller], 'GET', '/v1/webhooks')
  expect(JSON.stringify(listed)).not.toContain(shown)
  // The buyer writes: a chat.message event, delivered to the receiver; the log shows it and replays it.
  await ok(['buyer', parties.buyer], 'POST', `/v1/threads/${thread.id}/messages`, { text: 'Есть новости по чайнику?' })
  const webhookId = listed.items[0].id
  await expect
    .poll(
      async () =>
        (await ok(['seller', parties.seller], 'GET', `/v1/webhooks/${webhookId}/deliveries`)).items.filter(
          (d: { status: string }) => d.status === 'succeeded',
        ).length,
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0)
  await page.getByRole('button', { name: 'Delivery log' }).click()
  const log = page.getByTestId('delivery-log')
  await expect(log.getByText('Delivered').first()).toBeVisible()
  await checkPage(page, 'seller-settings')
  const before = hook.received()
  await log.getByRole('button', { name: 'Replay' }).first().click()
  await expect(page.getByText('The delivery is queued again')).toBeVisible()
  await expect.poll(() => hook.received(), { timeout: 30_000 }).toBeGreaterThan(before)
  hook.server.close()
  await page.getByRole('button', { name: 'I have kept it' }).click()
  await expect(secret).toBeHidden()
  await noBuyerInDom('settings')

  const received = await Promise.all(bodies)
  expect(received.length).toBeGreaterThan(20)
  const leaks = received.filter((body) => body.includes(parties.buyer))
  expect(leaks, 'responses carrying the buyer’s id').toEqual([])
})
