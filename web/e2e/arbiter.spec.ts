// The arbiters' workbench in Chromium against the real service; the parties act through the API.
import { expect, test } from '@playwright/test'
import { act, call, escalatedClaim, noisePhoto, ok, unique, type As } from './support/api.js'
import { checkPage, openAs } from './support/page.js'

test('an arbiter opens a case from the queue, enlarges a photo, takes it and decides a compensation with a seller fine', async ({
  page,
}) => {
  const reused = await noisePhoto()
  // The same photo in two claims: the second one is flagged as reused.
  const earlier = await escalatedClaim(undefined, [reused])
  const { claimId, buyer, seller } = await escalatedClaim(undefined, [reused, await noisePhoto()])
  const arbiter = unique('arbiter')

  await openAs(page, ['arbiter', arbiter], '/arbiter')
  // The token leaves the address bar at once and stays in this tab's sessionStorage.
  await expect(page).toHaveURL(/\/arbiter$/)
  expect(new URL(page.url()).hash).toBe('')
  expect(await page.evaluate(() => sessionStorage.getItem('claimdesk.token'))).toBeTruthy()
  await expect(page.getByTestId('signed-in-as')).toContainText(arbiter)

  const row = page.locator(`tr[data-claim-id="${claimId}"]`)
  await expect(row).toBeVisible()
  await expect(row).toContainText('Unassigned')
  await expect(row).toContainText('₽2,500.00')
  await checkPage(page, 'arbiter-queue')

  await row.getByRole('link', { name: claimId.slice(0, 8) }).click()
  await expect(page.getByRole('heading', { name: `Claim ${claimId.slice(0, 8)}` })).toBeVisible()
  await expect(page.getByTestId('order-line')).toContainText('Electric kettle')
  await expect(page.getByTestId('claim-description')).toContainText('leaks from the bottom seam')
  await expect(page.getByTestId('photo-reuse')).toContainText(earlier.claimId.slice(0, 8))
  await expect(page.getByTestId('timeline')).toContainText('escalate')
  await expect(page.getByTestId('chat')).toContainText('leaks')
  await checkPage(page, 'arbiter-case')

  await page.getByRole('button', { name: 'Enlarge photo 1' }).click()
  const lightbox = page.getByRole('dialog')
  await expect(lightbox.getByRole('img', { name: 'Photo 1 of the claim' })).toBeVisible()
  await lightbox.getByText('Full size').click()
  const full = lightbox.getByRole('img', { name: 'Photo 1 of the claim' })
  await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640)
  await checkPage(page, 'arbiter-lightbox')
  await page.keyboard.press('Escape')
  await expect(lightbox).toBeHidden()

  await page.getByRole('button', { name: 'Take this claim' }).click()
  await expect(page.getByTestId('assignee')).toHaveText('Assigned to you')

  await page.getByLabel('Outcome').first().click()
  await page.getByRole('option', { name: 'Compensation' }).click()
  await page.getByLabel('Compensation amount').fill('800')
  await page
    .getByLabel('Comment to both parties')
    .fill('The photos show a leaking seam; part of the price is returned.')
  await page.getByLabel('Fine the seller').check()
  await page.getByLabel('Seller’s fine').fill('1500')
  await checkPage(page, 'arbiter-decide')
  await page.getByRole('button', { name: 'Decide', exact: true }).click()
  await expect(page.getByText('Decision recorded')).toBeVisible()
  await expect(page.getByText('No action is open to you on this claim now.')).toBeVisible()

  // Both parties read the resolution through the API.
  for (const as of [
    ['buyer', buyer],
    ['seller', seller],
  ] as As[]) {
    const claim = await ok(as, 'GET', `/v1/claims/${claimId}`)
    expect(claim.state).toBe('resolved')
    expect(claim.resolution).toMatchObject({ type: 'compensation', amount: 80_000, decided_by: 'arbiter' })
  }
  const ledger = await ok(['seller', seller], 'GET', '/v1/violations?limit=10')
  expect(ledger.items).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ rule: 'arbiter_fine', fine: { amount: 150_000, currency: 'RUB' } }),
    ]),
  )
})

test('a second arbiter taking a claim already taken is told who has it', async ({ page }) => {
  const { claimId } = await escalatedClaim()
  const first = unique('arbiter')
  await openAs(page, ['arbiter', unique('arbiter')], '/arbiter')
  const row = page.locator(`tr[data-claim-id="${claimId}"]`)
  await expect(row.getByRole('button', { name: /^Take claim/ })).toBeVisible()

  // The first arbiter takes it through the API while this page still offers Take.
  await act(['arbiter', first], claimId, { action: 'take' })
  await row.getByRole('button', { name: /^Take claim/ }).click()
  await expect(page.getByTestId('take-lost').first()).toHaveText(`${first} took this claim first`)
  await checkPage(page, 'arbiter-take-lost')
  const claim = await ok(['arbiter', first], 'GET', `/v1/claims/${claimId}`)
  expect(claim.escalation.assignee).toBe(first)
})

test('a decision comment with a phone number shows its hint beside the field and changes nothing', async ({ page }) => {
  const { claimId } = await escalatedClaim()
  const arbiter = unique('arbiter')
  await act(['arbiter', arbiter], claimId, { action: 'take' })
  const before = await ok(['arbiter', arbiter], 'GET', `/v1/claims/${claimId}`)

  await openAs(page, ['arbiter', arbiter], `/arbiter/claims/${claimId}`)
  await page.getByLabel('Comment to both parties').fill('Call the seller at +7 912 345-67-89 to settle this.')
  await page.getByRole('button', { name: 'Decide', exact: true }).click()
  const hints = page.getByTestId('moderation-hints').last()
  await expect(hints).toContainText('nothing was written')
  await expect(hints).toContainText('+7 912 345-67-89')
  await expect(page.getByLabel('Comment to both parties')).toHaveAttribute('aria-invalid', 'true')
  await checkPage(page, 'arbiter-decide-refused')

  const after = await ok(['arbiter', arbiter], 'GET', `/v1/claims/${claimId}`)
  expect(after.version).toBe(before.version)
  expect(after.state).toBe('escalated')
  expect(after.resolution).toBeNull()
})

test('an expired token lands on the signed-out page; so does a token the service refuses (401)', async ({ page }) => {
  await openAs(page, ['arbiter', unique('arbiter')], '/arbiter', 1)
  // The token runs out a second after it was signed; the app signs out by itself.
  await expect(page).toHaveURL(/\/signed-out$/, { timeout: 5_000 })
  await expect(page.getByTestId('signed-out-reason')).toContainText('Your session has expired')
  expect(await page.evaluate(() => sessionStorage.getItem('claimdesk.token'))).toBeNull()
  await checkPage(page, 'signed-out')

  // Well-formed and unexpired, but signed with another key: the first API call answers 401.
  const forged = [
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
    Buffer.from(
      JSON.stringify({ sub: 'arbiter-x', role: 'arbiter', exp: Math.floor(Date.now() / 1000) + 3600 }),
    ).toString('base64url'),
    'c2lnbmF0dXJl',
  ].join('.')
  await page.goto(`/arbiter#token=${forged}`)
  await expect(page).toHaveURL(/\/signed-out$/)
  await expect(page.getByTestId('signed-out-reason')).toContainText('no longer accepts this session')
})

test('the development sign-in page signs in as the chosen party; Russian is one click away and remembered', async ({
  page,
}) => {
  await page.goto('/signed-out')
  await page.getByRole('link', { name: 'Sign in for development' }).click()
  await expect(page).toHaveURL(/\/sign-in$/)
  await checkPage(page, 'dev-sign-in')
  const arbiter = unique('arbiter')
  await page.getByLabel('Party id').fill(arbiter)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/arbiter$/)
  await expect(page.getByTestId('signed-in-as')).toContainText(arbiter)

  await page.getByText('RU', { exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Претензии у арбитров' })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Претензии у арбитров' })).toBeVisible()
  await checkPage(page, 'arbiter-queue-ru')
  await page.getByText('EN', { exact: true }).click()
})

test('the moderation desk lists refused attempts, flagged messages, abuse reports and pending suspensions', async ({
  page,
}) => {
  const { orderId, buyer, seller } = await escalatedClaim()
  const threads = await ok(['buyer', buyer], 'GET', `/v1/threads?order_id=${orderId}&limit=1`)
  const threadId = threads.items[0].id
  // A refused attempt (a phone number), repeated until the seller's chat is suspended.
  for (let i = 0; ; i++) {
    const refused = await call(['seller', seller], 'POST', `/v1/threads/${threadId}/messages`, {
      text: `Write to me directly at +7 912 345-67-8${i}`,
    })
    if (refused.status === 403) break // suspended: seller_chat_suspend_threshold reached
    expect(refused.status).toBe(422)
    expect(i).toBeLessThan(10)
  }
  // A delivered message the engine is unsure of, and an abuse report on a buyer's message.
  const flagged = await call(['buyer', buyer], 'POST', `/v1/threads/${threadId}/messages`, {
    text: 'ок вот 9161234567',
  })
  expect(flagged.status).toBe(201)
  const rude = await ok(['buyer', buyer], 'POST', `/v1/threads/${threadId}/messages`, { text: 'Please answer soon.' })
  await ok(['seller', seller], 'POST', `/v1/threads/${threadId}/messages/${rude.id}/report`, { reason: 'pressure' })

  await openAs(page, ['arbiter', unique('arbiter')], '/arbiter/moderation')
  await expect(page.getByRole('tab', { name: 'Refused attempts' })).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByRole('tabpanel')).toContainText('+7 912 345-67-80')
  await checkPage(page, 'desk-blocked')

  await page.getByRole('tab', { name: 'Flagged messages' }).click()
  await expect(page.getByRole('tabpanel')).toContainText('9161234567')
  await checkPage(page, 'desk-flags')

  await page.getByRole('tab', { name: 'Abuse reports' }).click()
  const report = page.getByRole('row').filter({ hasText: 'Please answer soon.' })
  await expect(report).toBeVisible()
  await checkPage(page, 'desk-reports')
  await report.getByRole('button', { name: 'Dismiss' }).click()
  await expect(report).toBeHidden()

  await page.getByRole('tab', { name: 'Pending suspensions' }).click()
  const suspension = page.getByRole('row').filter({ hasText: seller })
  await expect(suspension).toContainText('Chat suspension')
  await checkPage(page, 'desk-sanctions')
  await suspension.getByRole('button', { name: 'Lift' }).click()
  await expect(suspension).toBeHidden()
  const sanctions = await ok(['arbiter', 'arbiter-check'], 'GET', `/v1/sanctions?party_id=${seller}&limit=5`)
  expect(sanctions.items[0].status).toBe('lifted')
})
