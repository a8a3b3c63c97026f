// What every page test does: open the app as someone, check axe, keep a screenshot.
import { AxeBuilder } from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'
import path from 'node:path'
import { tokenFor, type As } from './api.js'

export const SCREENS = path.resolve(import.meta.dirname, '../../../test-results/web/screens')

/** The marketplace's hand-over: the app opened at `path#token=<jwt>`. */
export async function openAs(page: Page, as: As, appPath = '/', expiresInSeconds?: number) {
  await page.goto(`${appPath}#token=${tokenFor(as, expiresInSeconds)}`)
}

/** No serious or critical axe-core violation on the page as it is now. */
export async function expectAccessible(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const summary = bad.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  )
  expect(summary, `axe on ${name}`).toEqual([])
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true })
}

/** axe, then a screenshot: every page the tests visit goes through this. */
export async function checkPage(page: Page, name: string) {
  await expectAccessible(page, name)
  await screenshot(page, name)
}

/** Hold the draft checks back, so a send goes out before the check has answered (the service then refuses it). */
export async function holdDraftChecks(page: Page, ms = 5_000) {
  await page.route('**/v1/moderation/check', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms))
    await route.continue().catch(() => undefined)
  })
  return () => page.unroute('**/v1/moderation/check')
}
