// The claim as each party sees it. Sellers get a buyer pseudonym, never the id.
import type { ClaimRow } from '../../db/schema.js'
import type { Actor } from '../../../machines/claim.types.js'
import { allowedActions } from '../../../machines/claim.catalogue.js'
import type { Principal } from '../../auth/principal.js'
import { buyerPseudonym } from '../sellers/pseudonym.js'
import { machinePolicy, restoreSnapshot } from './claim-snapshot.js'
import type { Policy } from '../../config/policy.js'
import type { ClaimPhotos } from '../photos/photos.service.js'

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString())

export interface ViewContext {
  principal: Principal
  now: number
  policy: Policy
  pseudonymSecret: string
}

export function actorOf(principal: Principal): Actor {
  return { role: principal.role === 'service' ? 'system' : principal.role, id: principal.id }
}

/** `media`: the claim's photos (PhotosService.forClaims); without it the list is empty. */
export function claimView(row: ClaimRow, view: ViewContext, media?: ClaimPhotos) {
  const snapshot = restoreSnapshot(row.snapshot, row.machine_version)
  const ctx = snapshot.context
  const { principal } = view
  const buyer =
    principal.role === 'seller'
      ? { pseudonym: buyerPseudonym(view.pseudonymSecret, row.seller_id, row.buyer_id) }
      : { id: row.buyer_id }
  const lineTotal = Number(row.line_total)
  return {
    view: principal.role,
    id: row.id,
    order_id: row.order_id,
    line_id: row.line_id,
    sku: row.sku,
    scheme: row.scheme,
    buyer,
    seller_id: row.seller_id,
    reason: row.reason,
    requested_resolution: row.requested_resolution,
    description: row.description,
    currency: row.currency,
    line_total: lineTotal,
    state: row.state,
    arbiter_status: row.arbiter_status,
    version: row.version,
    allowed_actions: allowedActions(snapshot, actorOf(principal), view.now, machinePolicy(view.policy)),
    // What offer_compensation and decide (compensation) accept, and how many offers the seller has left.
    offer_bounds: { min: 1, max: lineTotal - 1 },
    offers_left: Math.max(0, view.policy.max_offers - ctx.offers.length),
    deadlines: ctx.deadlines.map((d) => ({ kind: d.kind, due_at: iso(d.due_at), on_expiry: d.on_expiry })),
    offers: ctx.offers.map((o) => ({ ...o, made_at: iso(o.made_at), answered_at: iso(o.answered_at) })),
    resolution: ctx.resolution && {
      type: ctx.resolution.type,
      amount: ctx.resolution.amount,
      currency: row.currency,
      decided_by: ctx.resolution.decided_by,
      decided_at: iso(ctx.resolution.decided_at),
      comment: ctx.resolution.comment,
      completed_by: ctx.resolution.completed_by,
      ...(principal.role === 'buyer' ? {} : { sanctions: ctx.resolution.sanctions }),
    },
    close_reason: ctx.close_reason,
    tracking: ctx.tracking,
    escalation:
      row.state === 'escalated' || principal.role === 'arbiter'
        ? {
            assignee: ctx.arbiter.assignee,
            priority: ctx.arbiter.priority,
            overdue: ctx.arbiter.overdue,
            info_from: ctx.arbiter.info_from,
          }
        : null,
    photos: media?.photos ?? [],
    // Reuse of a photo from another claim: for arbiters only, never shown to the parties.
    ...(principal.role === 'arbiter' ? { photo_reuse: media?.photo_reuse ?? [] } : {}),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  }
}
export type ClaimView = ReturnType<typeof claimView>
