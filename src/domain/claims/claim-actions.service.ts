// A party's action on a claim over the API (docs/lifecycle.md): admitted by
// role and version, its parameters and free text checked, photos (on
// provide_info) and an arbiter's sanctions written with the transition.
import { ACTIONS_BY_ROLE } from '../../../machines/claim.catalogue.js'
import type { ClaimEventParams } from '../../../machines/claim.types.js'
import type { Principal } from '../../auth/principal.js'
import type { Policy } from '../../config/policy.js'
import type { Db, DbOrTx } from '../../db/database.js'
import type { ClaimRow } from '../../db/schema.js'
import type { Clock } from '../../shared/clock.js'
import { forbidden, notFound } from '../../shared/errors.js'
import { applyArbiterSanctions, moderateActionText } from '../moderation/enforcement.js'
import { compensating } from '../photos/compensating.js'
import { photosNotAllowed, tooManyPhotos } from '../photos/errors.js'
import type { PhotosService, PhotoUpload, PreparedPhoto } from '../photos/photos.service.js'
import { actionParams, type ActionBody } from './action-params.js'
import { canSeeClaim } from './claim-access.js'
import type { ClaimTransitions } from './claim-transitions.js'
import { actorOf, type ClaimView } from './claim-view.js'
import type { ClaimViews } from './claim-views.js'
import * as claimsRepo from './claims.repository.js'
import { textForOtherParty } from './readable-text.js'
import { staleVersion } from './errors.js'

export interface ClaimActionsDeps {
  db: Db
  policy: Policy
  clock: Clock
  photos: PhotosService
  views: ClaimViews
  transitions: ClaimTransitions
}

export class ClaimActionsService {
  constructor(private readonly deps: ClaimActionsDeps) {}

  /** A claim holds at most photos_per_claim_max photos, counting those it has. */
  private async checkPhotoRoom(db: DbOrTx, claimId: string, adding: number): Promise<void> {
    const max = this.deps.policy.photos_per_claim_max
    const has = await this.deps.photos.countForClaim(db, claimId)
    if (has + adding > max) {
      throw tooManyPhotos(
        max,
        `the claim has ${has} photo${has === 1 ? '' : 's'}; at most ${max} are allowed, so ${Math.max(0, max - has)} more may be added`,
      )
    }
  }

  /**
   * Free text the other party will read (textForOtherParty) is moderated like
   * a chat message, and refused while a seller's chat is suspended. A refused
   * text is recorded on its own transaction (the pool's), so the ledger keeps it.
   */
  private async moderateFreeText(
    principal: Principal,
    claim: ClaimRow,
    params: ClaimEventParams,
    sellerChatSuspension: string | null,
  ): Promise<void> {
    const readable = textForOtherParty(params)
    if (!readable) return
    await moderateActionText(
      { policy: this.deps.policy, clock: this.deps.clock },
      {
        db: this.deps.db,
        party: { role: actorOf(principal).role, id: principal.id },
        ...readable,
        sellerId: claim.seller_id,
        claimId: claim.id,
        // Read with the claim: the acting seller is the claim's (canSeeClaim).
        ...(principal.role === 'seller' ? { sellerChatSuspension } : {}),
      },
    )
  }

  /** An action from a party over the API. */
  async act(
    principal: Principal,
    id: string,
    body: ActionBody,
    expectedVersion?: number,
    uploads: PhotoUpload[] = [],
  ): Promise<ClaimView> {
    const actor = actorOf(principal)
    const admit = (current: ClaimRow | undefined): ClaimRow => {
      if (!current || !canSeeClaim(principal, current)) throw notFound('claim')
      if (!ACTIONS_BY_ROLE[actor.role].includes(body.action)) {
        throw forbidden(`a ${principal.role} cannot ${body.action}`)
      }
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw staleVersion(expectedVersion, current.version)
      }
      return current
    }
    const found = await claimsRepo.findClaimForAction(this.deps.db, id)
    const first = admit(found?.claim)
    // Parameter rules first: a too-short comment is a 422 on its length, not a moderation verdict.
    // A claim's line total never changes, so the parameters hold for every retry below.
    const params = actionParams(body, principal.role, Number(first.line_total))
    const sanctions = params.type === 'decide' ? params.sanctions : undefined
    await this.moderateFreeText(principal, first, params, found?.sellerChatSuspension ?? null)
    let prepared: PreparedPhoto[] = []
    if (uploads.length > 0) {
      // Everything that can refuse cheaply is checked before the image work (and again when writing).
      if (body.action !== 'provide_info') throw photosNotAllowed(body.action)
      this.deps.transitions.decide(first, actor, params)
      await this.checkPhotoRoom(this.deps.db, first.id, uploads.length)
      prepared = await this.deps.photos.prepare(uploads, principal)
    }
    const row = await compensating(this.deps.photos, prepared, () =>
      this.deps.transitions.retryOnConflict(
        first,
        async (current) => {
          if (prepared.length === 0 && !sanctions)
            return this.deps.transitions.apply(this.deps.db, current, actor, params)
          // Photos and sanctions are written with the transition, in one transaction.
          return this.deps.db.transaction().execute(async (tx) => {
            const updated = await this.deps.transitions.apply(tx, current, actor, params)
            if (!updated) return undefined
            if (sanctions && params.type === 'decide') {
              const at = new Date(this.deps.clock.now())
              await applyArbiterSanctions(tx, {
                claim: current,
                arbiterId: principal.id,
                sanctions,
                comment: params.comment,
                at,
              })
            }
            if (prepared.length === 0) return updated
            // The update holds the claim's row lock: concurrent uploads to one claim cannot both pass the count.
            await this.checkPhotoRoom(tx, current.id, prepared.length)
            await this.deps.photos.attach(
              tx,
              { claimId: current.id, uploader: { role: principal.role, id: principal.id } },
              prepared,
            )
            return { ...updated, has_photos: true }
          })
        },
        async () => admit(await claimsRepo.findClaim(this.deps.db, id)),
      ),
    )
    const { has_photos, ...claim } = row
    return has_photos ? this.deps.views.one(claim, principal) : this.deps.views.bare(claim, principal)
  }
}
