// Reading claims, deadlines and audit events straight from the test database.
import type { TestApp } from '../../helpers/app.js'
import { openClaim, registerOrder } from '../../helpers/fixtures.js'

export async function openClaimNow(
  app: TestApp,
  opts: { unitPrice?: number } = {},
): Promise<{ id: string; seller: string; buyer: string }> {
  const order = await registerOrder(app, opts)
  const claim = await openClaim(app, order)
  return { id: claim.id as string, seller: order.seller, buyer: order.buyer }
}

export async function claimState(app: TestApp, id: string) {
  return app.db
    .selectFrom('claims')
    .select(['state', 'resolution_type', 'decided_by', 'version'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
}

export async function expiryEvents(app: TestApp, id: string) {
  return app.db
    .selectFrom('claim_events')
    .select(['seq', 'payload', 'created_at', 'to_state'])
    .where('claim_id', '=', id)
    .where('action', '=', 'deadline_expired')
    .orderBy('seq')
    .execute()
}

export async function deadlineOf(app: TestApp, claimId: string, kind: string) {
  return app.db
    .selectFrom('deadlines')
    .selectAll()
    .where('claim_id', '=', claimId)
    .where('kind', '=', kind)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()
}

/** Resolves once the claim is in `state` (undefined keeps polling). */
export const inState = (app: TestApp, id: string, state: string) => async () =>
  (await claimState(app, id)).state === state ? true : undefined
