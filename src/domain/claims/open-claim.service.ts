// Opening a claim (docs/lifecycle.md): a buyer's claim on a delivered line of
// their own order, with its photos, its first deadlines and its card in the
// order's thread, all or nothing.
import { MACHINE_VERSION } from '../../../machines/claim.machine.js'
import { initialClaimSnapshot } from '../../../machines/claim.step.js'
import {
  PHOTO_EVIDENCE_REASONS,
  type ClaimReason,
  type RequestedResolution,
} from '../../../machines/claim.vocabulary.js'
import type { Principal } from '../../auth/principal.js'
import { requireRole } from '../../auth/require-role.js'
import type { Policy } from '../../config/policy.js'
import type { Db, DbOrTx } from '../../db/database.js'
import type { Clock } from '../../shared/clock.js'
import { notFound } from '../../shared/errors.js'
import { ensureThread, postMessage } from '../chat/threads.repository.js'
import { isBuyerRestricted, moderateActionText } from '../moderation/enforcement.js'
import { compensating } from '../photos/compensating.js'
import { photosRequired, tooManyPhotos } from '../photos/errors.js'
import type { PhotosService, PhotoUpload, PreparedPhoto } from '../photos/photos.service.js'
import { machinePolicy, stateNames, storeSnapshot } from './claim-snapshot.js'
import { nextDue } from './claim-transitions.js'
import type { ClaimView } from './claim-view.js'
import type { ClaimViews } from './claim-views.js'
import * as claimsRepo from './claims.repository.js'
import { insertFirstDeadlines } from './deadlines.repository.js'
import { claimAlreadyOpen, claimsRestricted, claimWindowPassed, lineNotDelivered } from './errors.js'

export interface OpenClaimInput {
  order_id: string
  line_id: string
  reason: ClaimReason
  description: string
  requested_resolution: RequestedResolution
}

export interface OpenClaimDeps {
  db: Db
  policy: Policy
  clock: Clock
  photos: PhotosService
  views: ClaimViews
}

export class OpenClaimService {
  constructor(private readonly deps: OpenClaimDeps) {}

  /**
   * Opens a claim with its photos, all or nothing: the photos are processed
   * and stored before the transaction (after the cheap checks, so a claim
   * that cannot open costs no image work), their rows are written inside it,
   * and the stored files are deleted again if it fails.
   */
  async open(principal: Principal, input: OpenClaimInput, uploads: PhotoUpload[] = []): Promise<ClaimView> {
    requireRole(principal, ['buyer'], 'only buyers open claims')
    if (await isBuyerRestricted(this.deps.db, principal.id)) throw claimsRestricted()
    const limits = this.deps.policy
    if (PHOTO_EVIDENCE_REASONS.has(input.reason) && uploads.length < limits.defect_photos_min) {
      throw photosRequired(limits.defect_photos_min, input.reason)
    }
    if (uploads.length > limits.photos_per_claim_max) throw tooManyPhotos(limits.photos_per_claim_max)
    const now = this.deps.clock.now()
    // The description reaches the seller as the thread's claim card: moderated like any message.
    const { seller_id } = await this.claimableLine(this.deps.db, principal, input, now)
    await moderateActionText(
      { policy: this.deps.policy, clock: this.deps.clock },
      {
        db: this.deps.db,
        party: { role: 'buyer', id: principal.id },
        text: input.description,
        sellerId: seller_id,
        claimId: null,
        orderId: input.order_id,
      },
    )
    let prepared: PreparedPhoto[] = []
    if (uploads.length > 0) {
      const open = await claimsRepo.findOpenClaimOnLine(this.deps.db, input.order_id, input.line_id)
      if (open) throw claimAlreadyOpen()
      prepared = await this.deps.photos.prepare(uploads)
    }
    const row = await compensating(this.deps.photos, prepared, () =>
      this.deps.db.transaction().execute(async (tx) => {
        const line = await this.claimableLine(tx, principal, input, now)
        const lineTotal = Number(line.unit_price) * line.quantity
        const policy = machinePolicy(this.deps.policy)
        const snapshot = initialClaimSnapshot({ line_total: lineTotal, at: now, policy })
        const names = stateNames(snapshot.value)
        const created = await claimsRepo
          .insertClaim(tx, {
            order_id: input.order_id,
            line_id: input.line_id,
            buyer_id: line.buyer_id,
            seller_id: line.seller_id,
            sku: line.sku,
            scheme: line.scheme,
            currency: line.currency,
            line_total: lineTotal,
            reason: input.reason,
            requested_resolution: input.requested_resolution,
            description: input.description,
            state: names.state,
            arbiter_status: names.arbiter_status,
            snapshot: storeSnapshot(snapshot),
            machine_version: MACHINE_VERSION,
            version: 1,
            created_at: new Date(now),
            updated_at: new Date(now),
            next_due_at: nextDue(snapshot.context.deadlines),
          })
          .catch((err: { code?: string; constraint?: string }) => {
            if (err.code === '23505' && err.constraint === 'claims_one_open_per_line') throw claimAlreadyOpen()
            throw err
          })
        await this.deps.photos.attach(
          tx,
          { claimId: created.id, uploader: { role: 'buyer', id: principal.id } },
          prepared,
        )
        await claimsRepo.appendEvent(tx, {
          claim_id: created.id,
          seq: 1,
          actor_role: 'buyer',
          actor_id: principal.id,
          action: 'open',
          from_state: null,
          to_state: names.state,
          payload: { ...input },
          created_at: new Date(now),
        })
        await insertFirstDeadlines(tx, created.id, snapshot.context.deadlines)
        const threadId = await ensureThread(
          tx,
          { order_id: input.order_id, buyer_id: line.buyer_id, seller_id: line.seller_id },
          true,
        )
        await postMessage(tx, {
          thread_id: threadId,
          sender_role: 'system',
          sender_id: 'claimdesk',
          kind: 'claim_card',
          text: `Claim opened: ${input.reason.replaceAll('_', ' ')} — ${input.description}`,
          claim_id: created.id,
          payload: {
            claim_id: created.id,
            line_id: input.line_id,
            sku: line.sku,
            reason: input.reason,
            requested_resolution: input.requested_resolution,
          },
          created_at: new Date(now),
        })
        return created
      }),
    )
    return this.deps.views.one(row, principal)
  }

  /** The order line a buyer may open a claim on now, or the refusal. */
  private async claimableLine(db: DbOrTx, principal: Principal, input: OpenClaimInput, now: number) {
    const line = await claimsRepo.findClaimableLine(db, input.order_id, input.line_id)
    if (!line || line.buyer_id !== principal.id) throw notFound('order line')
    if (!line.delivered_at || line.delivered_at.getTime() > now) {
      throw lineNotDelivered()
    }
    if (now - line.delivered_at.getTime() > this.deps.policy.claim_window) {
      throw claimWindowPassed()
    }
    return line
  }
}
