// Reading claims (docs/api.md): one claim, its audit trail, and the caller's
// list. Changes go through OpenClaimService, ClaimActionsService and
// ClaimDeadlinesService; the arbiters' queue is ArbiterQueueService.
import type { Principal } from '../../auth/principal.js'
import type { Db } from '../../db/database.js'
import type { ReadDb } from '../../db/read-routing.js'
import type { Clock } from '../../shared/clock.js'
import type { CursorCodec } from '../../shared/cursor.js'
import { notFound } from '../../shared/errors.js'
import type { Actor } from '../../../machines/claim.types.js'
import { buyerPseudonym } from '../sellers/pseudonym.js'
import { canSeeClaim } from './claim-access.js'
import type { ClaimView } from './claim-view.js'
import type { ClaimViews } from './claim-views.js'
import type { ClaimListQueryInput } from './claim-list-query.js'
import { findClaimPage } from './claim-list.repository.js'
import { payloadFor } from './event-payload.js'
import * as claimsRepo from './claims.repository.js'

export interface ClaimsServiceDeps {
  /** One claim and its events: the primary, so a caller sees its own last action. */
  db: Db
  /** Lists: the read replica when there is one (they may lag it; docs/deployment.md). */
  readDb: ReadDb
  clock: Clock
  pseudonymSecret: string
  views: ClaimViews
  cursors: CursorCodec
}

export class ClaimsService {
  constructor(private readonly deps: ClaimsServiceDeps) {}

  async get(principal: Principal, id: string): Promise<ClaimView> {
    const row = await claimsRepo.findClaim(this.deps.db, id)
    if (!row || !canSeeClaim(principal, row)) throw notFound('claim')
    return this.deps.views.one(row, principal)
  }

  async events(principal: Principal, id: string) {
    const row = await claimsRepo.findClaim(this.deps.db, id)
    if (!row || !canSeeClaim(principal, row)) throw notFound('claim')
    const events = await claimsRepo.listEvents(this.deps.db, id)
    return events.map((e) => ({
      seq: e.seq,
      // The buyer's id never reaches a seller, not even through the audit trail: the feed's pseudonym stands in.
      actor:
        principal.role === 'seller' && e.actor_role === 'buyer'
          ? { role: 'buyer' as const, pseudonym: buyerPseudonym(this.deps.pseudonymSecret, row.seller_id, e.actor_id) }
          : { role: e.actor_role as Actor['role'], id: e.actor_id },
      action: e.action,
      from_state: e.from_state,
      to_state: e.to_state,
      payload: payloadFor(e, principal),
      at: e.created_at.toISOString(),
    }))
  }
  /** GET /v1/claims: filters and cursors: claim-list-query.ts; its SQL: claim-list.repository.ts. */
  async list(principal: Principal, query: ClaimListQueryInput) {
    const now = new Date(this.deps.clock.now())
    const { rows, next_cursor } = await this.deps.readDb.run((db) =>
      findClaimPage(db, this.deps.cursors, principal, query, now),
    )
    return { items: await this.deps.views.many(rows, principal), next_cursor }
  }
}
