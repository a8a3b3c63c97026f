// The violations ledger (docs/moderation.md): every violation a blocked attempt
// carried, with the policy's fine for the sender's role; thresholds that
// suspend a seller's chat or restrict a buyer's claims at once, pending an
// arbiter's review; and the arbiters' side of it (ledger, sanctions, refused
// attempts, flagged messages, abuse reports).
//
// Writes run in the caller's transaction (recordViolations) or in one of
// their own per call (everything else).
import { requireRole } from '../../auth/require-role.js'
import type { Insertable, Selectable } from 'kysely'
import type { Db, DbOrTx, Tx } from '../../db/database.js'
import type { AbuseReportsTable, SanctionsTable, ViolationsTable } from '../../db/schema.js'
import type { Policy } from '../../config/policy.js'
import type { Principal } from '../../auth/principal.js'
import { notFound } from '../../shared/errors.js'
import { moderate, type ModerationResult, type SenderRole, type Violation } from './engine/index.js'
import * as chatRepo from '../chat/chat.repository.js'
import { approvedDomains } from '../sellers/official-domains.repository.js'
import { relaxingDomains } from './official-domains.js'
import * as repo from './violations.repository.js'
import type { Clock } from '../../shared/clock.js'
import { buyerPseudonym } from '../sellers/pseudonym.js'
import { paginate, type CursorCodec } from '../../shared/cursor.js'
import { chatSuspended, forbidden, messageBlocked, stateConflict } from '../chat/errors.js'

/** Fines are policy amounts in roubles' minor units. */
export const FINE_CURRENCY = 'RUB'

export type PartyRole = 'buyer' | 'seller' | 'arbiter' | 'system'
export interface Party {
  role: PartyRole
  id: string
}

export interface ModerationDeps {
  policy: Policy
  clock: Clock
}

type ViolationRow = Selectable<ViolationsTable>
type SanctionRow = Selectable<SanctionsTable>

/**
 * Moderation on the platform's domains alone. The seller's official domains
 * can only lift link findings (more allowed hosts, never fewer: a property
 * test over the corpus holds the engine to it), so a text clean here is clean
 * for every seller, and only one with findings needs the seller's read.
 */
export function moderateOnPlatform(
  text: string,
  senderRole: SenderRole,
  policy: Policy,
  label = false,
): ModerationResult {
  return moderate(text, { senderRole, allowedDomains: policy.platform_domains, label })
}

/** Links may point to the platform's domains and the seller's approved official domains. */
export async function allowedDomains(db: DbOrTx, policy: Policy, sellerId: string | null): Promise<string[]> {
  const own = sellerId === null ? [] : await approvedDomains(db, sellerId)
  return relaxingDomains(policy.platform_domains, own)
}

function fineFor(policy: Policy, role: PartyRole, rule: Violation['rule']): number {
  const fines: Partial<Record<string, number>> =
    role === 'seller' ? policy.seller_fines : role === 'buyer' ? policy.buyer_fines : {}
  return fines[rule] ?? 0
}

export interface RecordInput {
  party: Party
  source: 'chat' | 'claim_action'
  violations: readonly Violation[]
  thread_id: string | null
  claim_id: string | null
  message_id?: string | null
  blocked_message_id?: string | null
}

/**
 * Writes the violations into the ledger, one entry per rule broken, and
 * applies the party's threshold, in the caller's transaction. Returns the rows and a sanction if one started.
 */
export async function recordViolations(
  tx: DbOrTx,
  deps: ModerationDeps,
  input: RecordInput,
): Promise<{ violations: ViolationRow[]; sanction: SanctionRow | null }> {
  const { party, policy } = { party: input.party, policy: deps.policy }
  const now = new Date(deps.clock.now())
  await repo.lockParty(tx, party.role, party.id)
  // One ledger entry (and one fine) per rule an attempt broke, however many excerpts show it.
  const perRule = new Map<string, Violation>()
  for (const v of input.violations) if (!perRule.has(v.rule)) perRule.set(v.rule, v)
  const rows: Insertable<ViolationsTable>[] = [...perRule.values()].map((v) => ({
    party_role: party.role,
    party_id: party.id,
    rule: v.rule,
    excerpt: v.excerpt,
    hint: v.hint,
    source: input.source,
    thread_id: input.thread_id,
    message_id: input.message_id ?? null,
    blocked_message_id: input.blocked_message_id ?? null,
    claim_id: input.claim_id,
    fine_amount: fineFor(policy, party.role, v.rule),
    currency: FINE_CURRENCY,
    created_at: now,
  }))
  const violations = await repo.insertViolations(tx, rows)
  const sanction = await applyThreshold(tx, deps, party, now)
  return { violations, sanction }
}

const THRESHOLDS = {
  seller: { kind: 'chat_suspension', threshold: (p: Policy) => p.seller_chat_suspend_threshold },
  buyer: { kind: 'claim_restriction', threshold: (p: Policy) => p.buyer_restrict_threshold },
} as const

/**
 * Counts the party's recorded violations within `violation_window` (those
 * before the end of its last lifted or cancelled sanction are spent) and, on
 * reaching the threshold, starts a sanction in force at once, pending review.
 */
async function applyThreshold(tx: DbOrTx, deps: ModerationDeps, party: Party, now: Date): Promise<SanctionRow | null> {
  if (party.role !== 'seller' && party.role !== 'buyer') return null
  const { kind, threshold } = THRESHOLDS[party.role]
  if (await repo.activeSanction(tx, party.role, party.id, kind)) return null
  const windowStart = new Date(now.getTime() - deps.policy.violation_window)
  const ended = await repo.lastSanctionEnd(tx, party.role, party.id, kind)
  const since = ended && ended > windowStart ? ended : windowStart
  const count = await repo.countRecordedSince(tx, party.role, party.id, since)
  const limit = threshold(deps.policy)
  if (count < limit) return null
  const sanction = await repo.insertSanction(tx, {
    party_role: party.role,
    party_id: party.id,
    kind,
    status: 'pending_review',
    reason: `${count} violations within the violation window (threshold ${limit})`,
    violation_count: count,
    created_at: now,
  })
  return sanction ?? null
}

export interface ArbiterSanctionsInput {
  claim: { id: string; seller_id: string; buyer_id: string; currency: string }
  arbiterId: string
  sanctions: { seller_fine?: number | null; buyer_restriction?: boolean }
  comment: string
  at: Date
}

/**
 * The sanctions of an arbiter's decision take effect, in the decision's
 * transaction: a fine on the seller enters the ledger (and so the seller's
 * statistics), a restriction on the buyer is a claim restriction in force
 * (confirmed: an arbiter imposed it), lifted like any other.
 */
export async function applyArbiterSanctions(tx: Tx, input: ArbiterSanctionsInput): Promise<void> {
  const { claim, sanctions, at } = input
  if (sanctions.seller_fine) {
    await repo.insertViolations(tx, [
      {
        party_role: 'seller',
        party_id: claim.seller_id,
        rule: 'arbiter_fine',
        excerpt: input.comment.slice(0, 200),
        hint: 'fined by an arbiter deciding the claim',
        source: 'arbiter_decision',
        thread_id: null,
        claim_id: claim.id,
        fine_amount: sanctions.seller_fine,
        currency: claim.currency,
        created_at: at,
      },
    ])
  }
  if (sanctions.buyer_restriction) {
    // An active restriction already in force stays; the partial unique index keeps one.
    await repo.insertSanction(tx, {
      party_role: 'buyer',
      party_id: claim.buyer_id,
      kind: 'claim_restriction',
      status: 'confirmed',
      reason: `restricted by an arbiter deciding claim ${claim.id}`,
      violation_count: 0,
      created_at: at,
      reviewed_at: at,
      reviewed_by: input.arbiterId,
    })
  }
}

/** For the claims service: a restricted buyer may not open new claims. */
export async function isBuyerRestricted(db: DbOrTx, buyerId: string): Promise<boolean> {
  return (await repo.activeSanction(db, 'buyer', buyerId, 'claim_restriction')) !== undefined
}

export interface ActionTextInput {
  /** The pool (preferred: the refused attempt commits on its own) or the caller's transaction. */
  db: Db | Tx
  party: Party
  text: string
  sellerId: string
  /** The claim the text belongs to; null for the description of a claim not yet opened. */
  claimId: string | null
  /** A short label (a part's name, a tracking number), not a reply: no low-effort rule. */
  label?: boolean
  /** With no claim yet: the order, whose thread (if any) the refused attempt is filed under. */
  orderId?: string
  threadId?: string | null
  /**
   * The seller's chat suspension in force (its id, or null for none) when the
   * caller read it already (claims.repository findClaimForAction); looked up
   * here when undefined.
   */
  sellerChatSuspension?: string | null
}

/**
 * Moderates the free text of a claim action that the other party reads
 * (claims/readable-text.ts) and a new claim's description. A seller whose chat
 * is suspended writes none of it: 403 `chat-suspended`, as in the chat.
 * `deliver` and `review` return the result and write nothing; `block` keeps
 * the attempt, records its violations (fines, thresholds) and throws the 422
 * `message-blocked` problem.
 *
 * Pass the pool and call this before the claim's transaction: the records then
 * commit on their own. Given a transaction, it writes into it, and the
 * caller's rollback on the thrown error would discard them.
 */
export async function moderateActionText(deps: ModerationDeps, input: ActionTextInput): Promise<ModerationResult> {
  if (input.party.role === 'seller') {
    const suspension =
      input.sellerChatSuspension === undefined
        ? (await repo.activeSanction(input.db, 'seller', input.party.id, 'chat_suspension'))?.id
        : input.sellerChatSuspension
    if (suspension) throw chatSuspended(suspension)
  }
  const label = input.label ?? false
  const onPlatform = moderateOnPlatform(input.text, input.party.role, deps.policy, label)
  const result =
    onPlatform.violations.length === 0
      ? onPlatform
      : moderate(input.text, {
          senderRole: input.party.role,
          allowedDomains: await allowedDomains(input.db, deps.policy, input.sellerId),
          label,
        })
  if (result.verdict !== 'block') return result
  const write = async (tx: DbOrTx) => {
    let threadId = input.threadId ?? null
    if (threadId === null) {
      const claim =
        input.claimId === null
          ? undefined
          : await tx.selectFrom('claims').select('order_id').where('id', '=', input.claimId).executeTakeFirst()
      const orderId = claim?.order_id ?? input.orderId
      threadId = orderId === undefined ? null : ((await chatRepo.findThreadByOrder(tx, orderId))?.id ?? null)
    }
    const blockedId = await chatRepo.insertBlocked(tx, {
      source: 'claim_action',
      thread_id: threadId,
      claim_id: input.claimId,
      sender_role: input.party.role,
      sender_id: input.party.id,
      text: input.text,
      violations: result.violations,
      created_at: new Date(deps.clock.now()),
    })
    await recordViolations(tx, deps, {
      party: input.party,
      source: 'claim_action',
      violations: result.violations,
      thread_id: threadId,
      claim_id: input.claimId,
      blocked_message_id: blockedId,
    })
  }
  if (input.db.isTransaction) await write(input.db)
  else await input.db.transaction().execute(write)
  throw messageBlocked(result.violations)
}

// ---------------------------------------------------------------------------
// The arbiters' side.

export interface ViolationsServiceDeps extends ModerationDeps {
  db: Db
  pseudonymSecret: string
  cursors: CursorCodec
}

export function violationView(v: ViolationRow) {
  return {
    id: v.id,
    party: { role: v.party_role, id: v.party_id },
    rule: v.rule,
    excerpt: v.excerpt,
    hint: v.hint,
    source: v.source,
    thread_id: v.thread_id,
    message_id: v.message_id,
    blocked_message_id: v.blocked_message_id,
    claim_id: v.claim_id,
    fine: { amount: Number(v.fine_amount), currency: v.currency },
    status: v.status,
    created_at: v.created_at.toISOString(),
    cancelled_at: v.cancelled_at?.toISOString() ?? null,
    cancel_reason: v.cancel_reason,
  }
}

export function sanctionView(s: SanctionRow) {
  return {
    id: s.id,
    party: { role: s.party_role, id: s.party_id },
    kind: s.kind,
    status: s.status,
    in_force: repo.ACTIVE_SANCTION.includes(s.status),
    reason: s.reason,
    violation_count: s.violation_count,
    created_at: s.created_at.toISOString(),
    reviewed_at: s.reviewed_at?.toISOString() ?? null,
    reviewed_by: s.reviewed_by,
    review_comment: s.review_comment,
    ended_at: s.ended_at?.toISOString() ?? null,
  }
}

export interface ViolationQuery {
  party_role?: 'buyer' | 'seller' | 'arbiter'
  party_id?: string
  rule?: string
  status?: 'recorded' | 'cancelled'
  claim_id?: string
  thread_id?: string
  limit: number
  cursor?: string
}

export type SanctionDecision = 'confirm' | 'cancel' | 'lift'

const SANCTION_DECISIONS: Record<
  SanctionDecision,
  { from: SanctionRow['status'][]; to: SanctionRow['status']; ends: boolean }
> = {
  confirm: { from: ['pending_review'], to: 'confirmed', ends: false },
  cancel: { from: ['pending_review'], to: 'cancelled', ends: true },
  lift: { from: ['pending_review', 'confirmed'], to: 'lifted', ends: true },
}

function arbiterOnly(principal: Principal, what: string): void {
  requireRole(principal, ['arbiter'], `only arbiters ${what}`)
}

export class ViolationsService {
  constructor(private readonly deps: ViolationsServiceDeps) {}

  /** Arbiters read the whole ledger; sellers and buyers only their own entries. */
  async listViolations(principal: Principal, query: ViolationQuery) {
    const filter: repo.ViolationFilter = {
      party_role: query.party_role,
      party_id: query.party_id,
      rule: query.rule,
      status: query.status,
      claim_id: query.claim_id,
      thread_id: query.thread_id,
    }
    if (principal.role === 'seller' || principal.role === 'buyer') {
      filter.party_role = principal.role
      filter.party_id = principal.id
    } else if (principal.role !== 'arbiter') {
      throw forbidden('arbiters and the parties themselves read the violations ledger')
    }
    const before = query.cursor ? this.deps.cursors.openTime('violations', query.cursor) : undefined
    const rows = await repo.listViolations(this.deps.db, filter, {
      limit: query.limit,
      before: before && { created_at: before.at, id: before.id },
    })
    const { page, next_cursor } = paginate(rows, query.limit, (last) =>
      this.deps.cursors.sealTime('violations', last.created_at, last.id),
    )
    const totals = await repo.violationTotals(this.deps.db, filter)
    return {
      items: page.map(violationView),
      next_cursor,
      totals: {
        recorded: totals.recorded,
        fines: { amount: totals.fines, currency: FINE_CURRENCY },
        cancelled: totals.cancelled,
        refunded: { amount: totals.refunded, currency: FINE_CURRENCY },
      },
    }
  }

  /** Cancelling a violation refunds its fine (the ledger totals stop counting it). */
  async cancelViolation(principal: Principal, id: string, reason: string | undefined) {
    arbiterOnly(principal, 'cancel violations')
    const now = new Date(this.deps.clock.now())
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const current = await repo.findViolationForUpdate(tx, id)
      if (!current) throw notFound('violation')
      if (current.status !== 'recorded') {
        throw stateConflict('violation-already-cancelled', 'this violation is already cancelled', {
          status: current.status,
        })
      }
      return repo.cancelViolation(tx, id, principal.id, reason ?? null, now)
    })
    return violationView(row)
  }

  async listSanctions(
    principal: Principal,
    query: {
      status?: SanctionRow['status']
      kind?: SanctionRow['kind']
      party_role?: string
      party_id?: string
      limit: number
      cursor?: string
    },
  ) {
    arbiterOnly(principal, 'review sanctions')
    const before = query.cursor ? this.deps.cursors.openTime('sanctions', query.cursor) : undefined
    const rows = await repo.listSanctions(this.deps.db, query, {
      limit: query.limit,
      before: before && { created_at: before.at, id: before.id },
    })
    const { page, next_cursor } = paginate(rows, query.limit, (last) =>
      this.deps.cursors.sealTime('sanctions', last.created_at, last.id),
    )
    return { items: page.map(sanctionView), next_cursor }
  }

  /** confirm keeps the sanction in force; cancel (a mistake) and lift end it. */
  async decideSanction(principal: Principal, id: string, decision: SanctionDecision, comment: string | undefined) {
    arbiterOnly(principal, 'review sanctions')
    const rule = SANCTION_DECISIONS[decision]
    const now = new Date(this.deps.clock.now())
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const current = await repo.findSanctionForUpdate(tx, id)
      if (!current) throw notFound('sanction')
      if (!rule.from.includes(current.status)) {
        throw stateConflict(
          'sanction-state-conflict',
          `a ${current.status} sanction cannot be ${decision === 'cancel' ? 'cancelled' : decision + 'ed'}`,
          {
            status: current.status,
          },
        )
      }
      return repo.updateSanction(tx, id, {
        status: rule.to,
        reviewed_by: principal.id,
        reviewed_at: now,
        review_comment: comment ?? null,
        ended_at: rule.ends ? now : null,
      })
    })
    return sanctionView(row)
  }

  /** Refused attempts, kept for arbiters. */
  async listBlocked(
    principal: Principal,
    query: {
      thread_id?: string
      claim_id?: string
      sender_role?: string
      sender_id?: string
      limit: number
      cursor?: string
    },
  ) {
    arbiterOnly(principal, 'read refused messages')
    const before = query.cursor ? this.deps.cursors.openId('blocked-attempts', query.cursor) : undefined
    const rows = await chatRepo.listBlocked(this.deps.db, query, { limit: query.limit, before })
    const { page, next_cursor } = paginate(rows, query.limit, (last) =>
      this.deps.cursors.sealId('blocked-attempts', last.id),
    )
    return {
      items: page.map((b) => ({
        id: b.id,
        source: b.source,
        thread_id: b.thread_id,
        claim_id: b.claim_id,
        sender: { role: b.sender_role, id: b.sender_id },
        text: b.text,
        violations: b.violations,
        created_at: b.created_at.toISOString(),
      })),
      next_cursor,
    }
  }

  /** Delivered messages the engine was unsure about (verdict `review`). */
  async listFlags(
    principal: Principal,
    query: { status?: 'open' | 'confirmed' | 'dismissed'; limit: number; cursor?: string },
  ) {
    arbiterOnly(principal, 'review flagged messages')
    const before = query.cursor ? this.deps.cursors.openTime('flags', query.cursor) : undefined
    const rows = await chatRepo.listFlags(
      this.deps.db,
      { status: query.status ?? 'open' },
      {
        limit: query.limit,
        before: before && { created_at: before.at, id: before.id },
      },
    )
    const { page, next_cursor } = paginate(rows, query.limit, (last) =>
      this.deps.cursors.sealTime('flags', last.created_at, last.id),
    )
    return {
      items: page.map((f) => ({
        id: f.id,
        message_id: f.message_id,
        thread_id: f.thread_id,
        sender: { role: f.sender_role, id: f.sender_id },
        text: f.text,
        violations: f.violations,
        status: f.status,
        created_at: f.created_at.toISOString(),
        reviewed_at: f.reviewed_at?.toISOString() ?? null,
        reviewed_by: f.reviewed_by,
      })),
      next_cursor,
    }
  }

  /** confirm: the flagged violations enter the ledger (fines, thresholds); dismiss: nothing does. */
  async reviewFlag(principal: Principal, id: string, decision: 'confirm' | 'dismiss') {
    arbiterOnly(principal, 'review flagged messages')
    const now = new Date(this.deps.clock.now())
    return this.deps.db.transaction().execute(async (tx) => {
      const flag = await chatRepo.findFlagForUpdate(tx, id)
      if (!flag) throw notFound('flag')
      if (flag.status !== 'open')
        throw stateConflict('flag-already-reviewed', `this flag was already ${flag.status}`, { status: flag.status })
      let recorded: ViolationRow[] = []
      let sanction: SanctionRow | null = null
      if (decision === 'confirm') {
        const out = await recordViolations(tx, this.deps, {
          party: { role: flag.sender_role as PartyRole, id: flag.sender_id },
          source: 'chat',
          violations: flag.violations as Violation[],
          thread_id: flag.thread_id,
          claim_id: flag.claim_id,
          message_id: flag.message_id,
        })
        recorded = out.violations
        sanction = out.sanction
      }
      await chatRepo.closeFlag(tx, id, decision === 'confirm' ? 'confirmed' : 'dismissed', principal.id, now)
      return {
        id,
        status: decision === 'confirm' ? 'confirmed' : 'dismissed',
        violations: recorded.map(violationView),
        sanction: sanction && sanctionView(sanction),
      }
    })
  }

  async listAbuseReports(
    principal: Principal,
    query: { status?: 'open' | 'upheld' | 'dismissed'; thread_id?: string; limit: number; cursor?: string },
  ) {
    arbiterOnly(principal, 'read abuse reports')
    const before = query.cursor ? this.deps.cursors.openTime('abuse-reports', query.cursor) : undefined
    const rows = await chatRepo.listAbuseReports(
      this.deps.db,
      { status: query.status, thread_id: query.thread_id },
      {
        limit: query.limit,
        before: before && { created_at: before.at, id: before.id },
      },
    )
    const { page, next_cursor } = paginate(rows, query.limit, (last) =>
      this.deps.cursors.sealTime('abuse-reports', last.created_at, last.id),
    )
    return {
      items: page.map((r) => ({
        ...abuseReportView(r, principal, this.deps.pseudonymSecret),
        message: { id: r.message_id, text: r.message_text, created_at: r.message_created_at.toISOString() },
      })),
      next_cursor,
    }
  }

  async closeAbuseReport(principal: Principal, id: string, outcome: 'upheld' | 'dismissed') {
    arbiterOnly(principal, 'close abuse reports')
    const row = await chatRepo.closeAbuseReport(
      this.deps.db,
      id,
      outcome,
      principal.id,
      new Date(this.deps.clock.now()),
    )
    if (row) return abuseReportView(row, principal, this.deps.pseudonymSecret)
    const existing = await chatRepo.findAbuseReport(this.deps.db, id)
    if (!existing) throw notFound('abuse report')
    throw stateConflict('abuse-report-closed', `this report was already ${existing.status}`, {
      status: existing.status,
    })
  }
}

/** Sellers see the reported buyer under the pseudonym, never the id. */
export function abuseReportView(r: Selectable<AbuseReportsTable>, principal: Principal, pseudonymSecret: string) {
  const party = (role: string, partyId: string) =>
    principal.role === 'seller' && role === 'buyer'
      ? { role, pseudonym: buyerPseudonym(pseudonymSecret, principal.id, partyId) }
      : { role, id: partyId }
  return {
    id: r.id,
    thread_id: r.thread_id,
    message_id: r.message_id,
    reporter: party(r.reporter_role, r.reporter_id),
    reported: party(r.reported_role, r.reported_id),
    reason: r.reason,
    status: r.status,
    created_at: r.created_at.toISOString(),
    closed_at: r.closed_at?.toISOString() ?? null,
  }
}
