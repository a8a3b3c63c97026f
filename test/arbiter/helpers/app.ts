// Escalated claims made through the API on the test clock.
import assert from 'node:assert/strict'
import type { ClaimDeadlinesService } from '../../../src/domain/claims/claim-deadlines.service.js'
import type { TestApp } from '../../helpers/app.js'
import { act, openClaim, registerOrder } from '../../helpers/fixtures.js'

export const HOUR = 3600_000

/** A claim escalated by its buyer after the seller's deadline passed; the clock moves past it. */
export async function escalatedClaim(app: TestApp, opts: { unitPrice?: number } = {}): Promise<string> {
  const order = await registerOrder(app, { buyer: `buyer-${Math.random().toString(36).slice(2, 8)}`, ...opts })
  const claim = await openClaim(app, order)
  app.clock.advance(app.config.policy.seller_response + 1)
  const res = await act(app, ['buyer', order.buyer], claim.id, { action: 'escalate' })
  assert.equal(res.statusCode, 200, `escalate failed: ${res.body}`)
  assert.equal(res.json().state, 'escalated')
  return claim.id as string
}

/** The deadline service the workers drive, for tests that fire deadlines by hand. */
export function deadlinesService(app: TestApp): ClaimDeadlinesService {
  return app.services.claimDeadlines
}
