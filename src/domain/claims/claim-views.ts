// Claim views for a caller, with their photos (and, for arbiters, reuse flags)
// loaded for all rows at once.
import type { Principal } from '../../auth/principal.js'
import type { Policy } from '../../config/policy.js'
import type { ClaimRow } from '../../db/schema.js'
import type { Clock } from '../../shared/clock.js'
import type { ClaimPhotos, PhotosService } from '../photos/photos.service.js'
import { claimView, type ClaimView } from './claim-view.js'

export interface ClaimViewsDeps {
  policy: Policy
  clock: Clock
  pseudonymSecret: string
  photos: PhotosService
}

export class ClaimViews {
  constructor(private readonly deps: ClaimViewsDeps) {}

  /** A view without photos: for a claim known to have none. */
  bare(row: ClaimRow, principal: Principal, media?: ClaimPhotos): ClaimView {
    const { clock, policy, pseudonymSecret } = this.deps
    return claimView(row, { principal, now: clock.now(), policy, pseudonymSecret }, media)
  }

  async many(rows: ClaimRow[], principal: Principal): Promise<ClaimView[]> {
    const media = await this.deps.photos.forClaims(
      rows.map((r) => r.id),
      principal,
    )
    return rows.map((r) => this.bare(r, principal, media.get(r.id)))
  }

  async one(row: ClaimRow, principal: Principal): Promise<ClaimView> {
    return (await this.many([row], principal))[0] as ClaimView
  }
}
