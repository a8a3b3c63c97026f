// The buyers' pages in Chromium at a phone's width, against the real service; the seller acts through the API.
import { expect, test, type Page } from '@playwright/test'
import sharp from 'sharp'
import { act, call, noisePhoto, ok, openDefectClaim, tokenFor, unique, type As } from './support/api.js'
import { E2E } from './support/env.js'
import { checkPage, holdDraftChecks, openAs } from './support/page.js'

test.use({ viewport: { width: 375, height: 812 }, hasTouch: true })

const PHONE_DRAFT = 'Позвоните мне по номеру +7 916 123-45-67, решим всё быстро'
const OTHER_PHONE = 'Или наберите +7 926 555-44-33 вечером, так быстрее'

async function deliveredOrder(buyer: string, seller: string) {
  const orderId = unique('order')
  await ok(['service', 'marketplace'], 'POST', '/v1/orders', {
    id: orderId,
    buyer_id: buyer,
    seller_id: seller,
    scheme: 'FBS',
    delivered_at: new Date(Date.now() - 24 * 3600_000).toISOString(),
    lines: [{ id: 'l1', sku: 'KETTLE-1', title: 'Electric kettle', quantity: 1, unit_price: 250_000 }],
  })
  return orderId
}

/** A photo as a phone makes it: JPEG with EXIF, one of them with a GPS position. */
async function phonePhoto(colour: string, gps: boolean): Promise<Buffer> {
  return sharp({ create: { width: 800, height: 600, channels: 3, background: colour } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'PhoneMaker', Model: 'Phone 1', Copyright: 'claimdesk-e2e' },
      ...(gps
        ? {
            IFD3: {
              GPSLatitudeRef: 'N',
              GPSLatitude: '55/1 45/1 0/1',
              GPSLongitudeRef: 'E',
              GPSLongitude: '37/1 37/1 0/1',
            },
          }
        : {}),
    })
    .toBuffer()
}

async function photoBytes(as: As, id: string, variant: string): Promise<Buffer> {
  const response = await fetch(`${E2E.baseUrl}/v1/photos/${id}/${variant}`, {
    headers: { authorization: `Bearer ${tokenFor(as)}` },
  })
  expect(response.status).toBe(200)
  return Buffer.from(await response.arrayBuffer())
}

async function startClaim(page: Page, buyer: string, orderId: string) {
  await openAs(page, ['buyer', buyer], '/buyer')
  await expect(page).toHaveURL(/\/buyer$/)
  const card = page.getByTestId(`order-${orderId}`)
  await expect(card).toContainText('Electric kettle')
  return card
}

test('a buyer opens a defect claim with two photos from a phone, the seller offers a compensation, the buyer accepts', async ({
  page,
}) => {
  const buyer = unique('buyer')
  const seller = unique('shop')
  const orderId = await deliveredOrder(buyer, seller)
  const withGps = await phonePhoto('#b03030', true)
  const plain = await phonePhoto('#3050b0', false)
  // The GPS IFD pointer (tag 0x8825) in either byte order: the photo does carry a position.
  const exif = (await sharp(withGps).metadata()).exif ?? Buffer.alloc(0)
  expect(
    exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])),
    'GPS in the upload',
  ).toBe(true)

  const card = await startClaim(page, buyer, orderId)
  await checkPage(page, 'buyer-orders')
  await card.getByRole('link', { name: 'Report a problem' }).click()
  await expect(page.getByRole('heading', { name: 'Report a problem' })).toBeVisible()
  await expect(page.getByText('Up to 10 photos')).toBeVisible()
  await expect(page.getByText('removes their metadata')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Send the claim' })).toBeDisabled()

  await page.getByLabel('Describe the problem').fill('Call me at +7 916 123-45-67 about the kettle')
  await expect(page.getByTestId('description-check')).toContainText('+7 916', { timeout: 10_000 })
  await page.getByLabel('Describe the problem').fill('The kettle leaks from the bottom seam after the second use.')
  await expect(page.getByTestId('description-check')).toContainText('Looks fine', { timeout: 10_000 })
  await expect(page.getByTestId('photos-needed')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Send the claim' })).toBeDisabled()

  await page.getByTestId('photo-input').setInputFiles([
    { name: 'kettle-gps.jpg', mimeType: 'image/jpeg', buffer: withGps },
    { name: 'kettle.jpg', mimeType: 'image/jpeg', buffer: plain },
  ])
  await expect(page.getByRole('img', { name: 'kettle-gps.jpg' })).toBeVisible()
  await expect(page.getByRole('img', { name: 'kettle.jpg' })).toBeVisible()
  await checkPage(page, 'buyer-open-claim')
  await page.getByRole('button', { name: 'Send the claim' }).click()

  await expect(page).toHaveURL(/\/buyer\/claims\/[0-9a-f-]{36}$/, { timeout: 20_000 })
  const claimId = page.url().split('/').at(-1)!
  await expect(page.getByTestId('claim-state')).toContainText('The seller has until')
  await expect(page.getByTestId('chat')).toContainText('Claim opened')
  await checkPage(page, 'buyer-claim')

  // The served variants carry no EXIF, so no GPS position.
  const claim = await ok(['buyer', buyer], 'GET', `/v1/claims/${claimId}`)
  expect(claim.photos).toHaveLength(2)
  for (const photo of claim.photos) {
    for (const variant of ['full', 'preview', 'thumb']) {
      const bytes = await photoBytes(['buyer', buyer], photo.id, variant)
      const meta = await sharp(bytes).metadata()
      expect(meta.exif, `${variant} has no EXIF`).toBeUndefined()
      expect(bytes.includes(Buffer.from('claimdesk-e2e'))).toBe(false)
      expect(bytes.includes(Buffer.from('PhoneMaker'))).toBe(false)
    }
  }

  await act(['seller', seller], claimId, { action: 'offer_compensation', amount: 80_000 })
  await page.reload()
  await expect(page.getByTestId('offers')).toContainText('₽800.00')
  await checkPage(page, 'buyer-offer')
  await page.getByRole('button', { name: 'Accept the offer' }).click()
  await expect(page.getByTestId('claim-state')).toContainText('The claim is resolved.')
  await checkPage(page, 'buyer-resolved')
  expect((await ok(['buyer', buyer], 'GET', `/v1/claims/${claimId}`)).state).toBe('resolved')
})

test('a renamed text file is refused with its reason, and no claim exists afterwards', async ({ page }) => {
  const buyer = unique('buyer')
  const orderId = await deliveredOrder(buyer, unique('shop'))
  const card = await startClaim(page, buyer, orderId)
  await card.getByRole('link', { name: 'Report a problem' }).click()
  await page.getByLabel('Describe the problem').fill('The kettle leaks from the bottom seam after the second use.')
  await page
    .getByTestId('photo-input')
    .setInputFiles([
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo at all\n'.repeat(20)) },
    ])
  await page.getByRole('button', { name: 'Send the claim' }).click()
  const refused = page.getByTestId('claim-refused')
  await expect(refused).toBeVisible({ timeout: 20_000 })
  await expect(refused).toContainText('notes.jpg')
  await expect(refused).toContainText('Nothing was created')
  await checkPage(page, 'buyer-photo-refused')
  const claims = await ok(['buyer', buyer], 'GET', '/v1/claims')
  expect(claims.items).toEqual([])
})

test('a second claim on the same line is refused with the problem’s explanation', async ({ page }) => {
  const buyer = unique('buyer')
  const orderId = await deliveredOrder(buyer, unique('shop'))
  const first = await call(['buyer', buyer], 'POST', '/v1/claims', {
    order_id: orderId,
    line_id: 'l1',
    reason: 'not_as_described',
    requested_resolution: 'refund',
    description: 'The colour is not the one in the listing.',
  })
  expect(first.status).toBe(201)

  const card = await startClaim(page, buyer, orderId)
  await expect(card.getByRole('link', { name: 'See the open claim' })).toBeVisible()
  await expect(card.getByRole('link', { name: 'Report a problem' })).toHaveCount(0)

  // A second tab or an old link still reaches the form: the service refuses and says why.
  await page.goto(`/buyer/orders/${orderId}/lines/l1/claim`)
  await page.getByLabel('What is wrong').selectOption('not_as_described')
  await page.getByLabel('Describe the problem').fill('The handle is loose as well.')
  await page.getByRole('button', { name: 'Send the claim' }).click()
  const refused = page.getByTestId('claim-refused')
  await expect(refused).toBeVisible()
  await expect(refused).toContainText(/already/i)
  await checkPage(page, 'buyer-second-claim-refused')
  const claims = await ok(['buyer', buyer], 'GET', '/v1/claims')
  expect(claims.items).toHaveLength(1)
})

/** A defect claim opened through the API, and its page opened in the browser as the buyer. */
async function claimPage(page: Page) {
  const parties = { buyer: unique('buyer'), seller: unique('shop') }
  const { claim, orderId } = await openDefectClaim(parties)
  await openAs(page, ['buyer', parties.buyer], `/buyer/claims/${claim.id}`)
  await expect(page.getByTestId('claim-state')).toContainText('The seller has until')
  const sellerActs = (body: Record<string, unknown>) => act(['seller', parties.seller], claim.id, body)
  const state = async () => (await ok(['buyer', parties.buyer], 'GET', `/v1/claims/${claim.id}`)).state as string
  return { ...parties, claimId: claim.id as string, orderId, sellerActs, state }
}

test('the buyer declines an offer, and escalates the rejection that follows to an arbiter', async ({ page }) => {
  const c = await claimPage(page)
  await c.sellerActs({ action: 'offer_compensation', amount: 30_000 })
  await page.reload()
  await expect(page.getByTestId('offers')).toContainText('₽300.00')
  await page.getByRole('button', { name: 'Decline the offer' }).click()
  await expect(page.getByTestId('offers')).toContainText('declined')
  await expect(page.getByTestId('claim-state')).toContainText('The seller has until')
  await checkPage(page, 'buyer-declined')
  expect(await c.state()).toBe('awaiting_seller')

  await c.sellerActs({
    action: 'reject',
    reason_code: 'no_defect_found',
    comment: 'We tested the kettle and it does not leak.',
  })
  await page.reload()
  await expect(page.getByTestId('claim-state')).toContainText('The seller rejected the claim')
  await page.getByLabel('Why you disagree (optional)').fill('It leaks every time, the photos show the seam.')
  await checkPage(page, 'buyer-escalate')
  await page.getByRole('button', { name: 'Ask an arbiter' }).click()
  await expect(page.getByTestId('claim-state')).toContainText('An arbiter is reviewing the claim')
  await checkPage(page, 'buyer-escalated')
  expect(await c.state()).toBe('escalated')
})

test('the seller asks for information, the buyer sends it with a photo', async ({ page }) => {
  const c = await claimPage(page)
  await c.sellerActs({ action: 'request_info', comment: 'Please send a photo of the label under the kettle.' })
  await page.reload()
  await expect(page.getByTestId('claim-state')).toContainText('The seller asked you for more information')
  await page.getByLabel('Your answer').fill('Here is the label under the kettle, with the batch number.')
  await page
    .getByTestId('photo-input')
    .setInputFiles([{ name: 'label.jpg', mimeType: 'image/jpeg', buffer: await noisePhoto() }])
  await expect(page.getByRole('img', { name: 'label.jpg' })).toBeVisible()
  await checkPage(page, 'buyer-provide-info')
  await page.getByRole('button', { name: 'Send information' }).click()
  await expect(page.getByTestId('claim-state')).toContainText('The seller has until', { timeout: 20_000 })
  const claim = await ok(['buyer', c.buyer], 'GET', `/v1/claims/${c.claimId}`)
  expect(claim.state).toBe('awaiting_seller')
  expect(claim.photos).toHaveLength(2)
})

test('a refund with return: the buyer ships the item back with its tracking number', async ({ page }) => {
  const c = await claimPage(page)
  await c.sellerActs({ action: 'approve_refund', with_return: true })
  await page.reload()
  await expect(page.getByTestId('claim-state')).toContainText('Send the item back and enter the tracking number')
  const ship = page.getByRole('button', { name: 'I have sent the item back' })
  await expect(ship).toBeDisabled()
  await page.getByLabel('Tracking number').fill('RB123456789RU')
  await checkPage(page, 'buyer-ship-return')
  await ship.click()
  await expect(page.getByTestId('claim-state')).toContainText('Your return is on its way')
  await checkPage(page, 'buyer-return-in-transit')
  expect(await c.state()).toBe('return_in_transit')
})

test('a replacement: the buyer accepts it, the seller ships it, the buyer confirms receipt', async ({ page }) => {
  const c = await claimPage(page)
  await c.sellerActs({ action: 'offer_replacement' })
  await page.reload()
  await expect(page.getByTestId('offers')).toContainText('A replacement item')
  await page.getByRole('button', { name: 'Accept the offer' }).click()
  await expect(page.getByTestId('claim-state')).toContainText('The seller is carrying out the solution')
  await c.sellerActs({ action: 'confirm_shipment', tracking: 'RB987654321RU' })
  await page.reload()
  await expect(page.getByTestId('claim-state')).toContainText('Please confirm that you received it')
  await checkPage(page, 'buyer-awaiting-receipt')
  await page.getByRole('button', { name: 'I received it' }).click()
  await expect(page.getByTestId('claim-state')).toContainText('The claim is resolved.')
  expect(await c.state()).toBe('resolved')
})

test('withdrawing asks first: cancelling keeps the claim, confirming withdraws it', async ({ page }) => {
  const c = await claimPage(page)
  await page.getByRole('button', { name: 'Withdraw the claim' }).click()
  const dialog = page.getByRole('dialog', { name: 'Withdraw the claim' })
  await expect(dialog).toContainText('It cannot be reopened')
  await checkPage(page, 'buyer-withdraw-confirm')
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  expect(await c.state()).toBe('awaiting_seller')

  await page.getByRole('button', { name: 'Withdraw the claim' }).click()
  await page.getByRole('dialog', { name: 'Withdraw the claim' }).getByRole('button', { name: 'Yes, withdraw' }).click()
  await expect(page.getByTestId('claim-state')).toContainText('You withdrew the claim.')
  await checkPage(page, 'buyer-withdrawn')
  expect(await c.state()).toBe('withdrawn')
})

test('the buyer writes in the chat from the claim page; the seller’s answer appears on its own; a refused message keeps its draft', async ({
  page,
}) => {
  const c = await claimPage(page)
  const chat = page.getByTestId('chat')
  await expect(chat).toContainText('Claim opened')
  const message = page.getByLabel('Message', { exact: true })
  await message.fill('Добрый день! Чайник протекает по нижнему шву, фото в претензии.')
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await expect(chat).toContainText('Чайник протекает по нижнему шву')
  await expect(message).toHaveValue('')
  await checkPage(page, 'buyer-chat-sent')

  // The seller answers through the API; the open chat shows it without a reload.
  const thread = (await ok(['buyer', c.buyer], 'GET', `/v1/threads?order_id=${c.orderId}`)).items[0]
  await ok(['seller', c.seller], 'POST', `/v1/threads/${thread.id}/messages`, {
    text: 'Здравствуйте! Посмотрим фото и ответим сегодня.',
  })
  await expect(chat).toContainText('Посмотрим фото и ответим сегодня', { timeout: 20_000 })

  // As typed, the draft check names the phone number and keeps the send off.
  await message.fill(PHONE_DRAFT)
  await expect(page.getByTestId('draft-hints')).toContainText('+7 916 123-45-67')
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled()
  await checkPage(page, 'buyer-chat-hint')

  // The check answers late (held back here): the send goes out, the service refuses it, the draft stays.
  const release = await holdDraftChecks(page)
  await message.fill(OTHER_PHONE)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await expect(page.getByTestId('draft-hints')).toContainText('Not sent: moderation refused the text')
  await expect(page.getByTestId('draft-hints')).toContainText('+7 926 555-44-33')
  await expect(message).toHaveValue(OTHER_PHONE)
  await checkPage(page, 'buyer-chat-refused')
  await release()
  const messages = await ok(['buyer', c.buyer], 'GET', `/v1/threads/${thread.id}/messages`)
  expect(messages.items.filter((m: { text?: string }) => m.text?.includes('916') || m.text?.includes('926'))).toEqual(
    [],
  )
})

/** The header is one row: nothing overflows it, every control is inside the viewport, no link breaks over two lines. */
async function expectHeaderFits(page: Page, width: number) {
  const header = page.locator('header')
  const { overflow, height } = await header.evaluate((h) => ({
    overflow: h.scrollWidth - h.clientWidth,
    height: h.getBoundingClientRect().height,
  }))
  expect(overflow, 'header overflow').toBeLessThanOrEqual(0)
  for (const control of [
    header.getByRole('heading', { name: 'Claimdesk' }),
    header.getByRole('link').first(),
    header.getByText('RU', { exact: true }),
    header.getByRole('button', { name: 'Sign out' }),
  ]) {
    const box = (await control.boundingBox())!
    expect(box.x, 'inside the viewport').toBeGreaterThanOrEqual(0)
    expect(box.x + box.width, 'inside the viewport').toBeLessThanOrEqual(width)
    expect(box.y + box.height, 'inside the header').toBeLessThanOrEqual(height)
  }
  const lines = await header
    .getByRole('link')
    .first()
    .evaluate((a) => a.getClientRects().length)
  expect(lines, 'the link on one line').toBe(1)
}

test('the header fits on one row at a phone’s width and at a desktop’s, for a buyer and for a seller', async ({
  page,
}) => {
  const buyer = unique('buyer')
  await deliveredOrder(buyer, unique('shop'))
  await openAs(page, ['buyer', buyer], '/buyer')
  await expect(page.getByRole('link', { name: 'My orders' })).toBeVisible()
  await expectHeaderFits(page, 375)
  await checkPage(page, 'buyer-header-phone')
  await page.setViewportSize({ width: 1280, height: 800 })
  await expect(page.getByTestId('signed-in-as')).toBeVisible()
  await expectHeaderFits(page, 1280)
  await checkPage(page, 'buyer-header-desktop')

  // The sellers' five links scroll sideways on a phone; the language switch and sign-out stay in view.
  await page.setViewportSize({ width: 375, height: 812 })
  await openAs(page, ['seller', unique('shop')], '/seller')
  await expect(page.getByRole('link', { name: 'Claims', exact: true })).toBeVisible()
  await expectHeaderFits(page, 375)
  await checkPage(page, 'seller-header-phone')
})
