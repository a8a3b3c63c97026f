// The violations ledger as people read and decide it (docs/moderation.md):
// the ledger and its cancellation, sanctions and their review, refused
// attempts, flagged messages, abuse reports. Recording violations and
// imposing sanctions is enforcement.ts's.
import { requireRole } from '../../auth/require-role.js'
import type { Selectable } from 'kysely'
import type { Db } from '../../db/database.js'
import type { AbuseReportsTable, SanctionsTable, ViolationsTable } from '../../db/schema.js'
import type { Principal } from '../../auth/principal.js'
import { notFound } from '../../shared/errors.js'
import type { Violation } from './engine/index.js'
import * as abuseReports from './abuse-reports.repository.js'
import * as flags from './flags.repository.js'
import { settleHeldMessage } from '../chat/chat.repository.js'
import * as refusals from './refusals.repository.js'
import * as repo from './violations.repository.js'
import { buyerPseudonym } from '../sellers/pseudonym.js'
import { paginate, type CursorCodec } from '../../shared/cursor.js'
import { forbidden, stateConflict } from '../chat/errors.js'
import { FINE_CURRENCY, recordViolations, type ModerationDeps, type PartyRole } from './enforcement.js'

type ViolationRow = Selectable<ViolationsTable>
type SanctionRow = Selectable<SanctionsTable>

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
    const filter = { ...query }
    // A party reads its own sanctions (the sellers' and buyers' pages say what is in force and why).
    if (principal.role === 'seller' || principal.role === 'buyer') {
      filter.party_role = principal.role
      filter.party_id = principal.id
    } else arbiterOnly(principal, 'review sanctions')
    const before = query.cursor ? this.deps.cursors.openTime('sanctions', query.cursor) : undefined
    const rows = await repo.listSanctions(this.deps.db, filter, {
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
    const rows = await refusals.listBlocked(this.deps.db, query, { limit: query.limit, before })
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

  /** Messages the engine was unsure about (verdict `review`): delivered, or held until reviewed. */
  async listFlags(
    principal: Principal,
    query: { status?: 'open' | 'confirmed' | 'dismissed'; limit: number; cursor?: string },
  ) {
    arbiterOnly(principal, 'review flagged messages')
    const before = query.cursor ? this.deps.cursors.openTime('flags', query.cursor) : undefined
    const rows = await flags.listFlags(
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
        message_status: f.message_status,
        created_at: f.created_at.toISOString(),
        reviewed_at: f.reviewed_at?.toISOString() ?? null,
        reviewed_by: f.reviewed_by,
      })),
      next_cursor,
    }
  }

  /**
   * confirm: the flagged violations enter the ledger (fines, thresholds) and a
   * held message is withheld for good; dismiss: nothing enters it, and a held
   * message is released. The flag's row lock makes the first decision the only one.
   */
  async reviewFlag(principal: Principal, id: string, decision: 'confirm' | 'dismiss') {
    arbiterOnly(principal, 'review flagged messages')
    const now = new Date(this.deps.clock.now())
    return this.deps.db.transaction().execute(async (tx) => {
      const flag = await flags.findFlagForUpdate(tx, id)
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
      const settled =
        flag.message_status === 'held'
          ? await settleHeldMessage(tx, flag.message_id, decision === 'confirm' ? 'withheld' : 'delivered', now)
          : undefined
      await flags.closeFlag(tx, id, decision === 'confirm' ? 'confirmed' : 'dismissed', principal.id, now)
      return {
        id,
        status: decision === 'confirm' ? 'confirmed' : 'dismissed',
        message_status: settled?.status ?? flag.message_status,
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
    const rows = await abuseReports.listAbuseReports(
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
    const row = await abuseReports.closeAbuseReport(
      this.deps.db,
      id,
      outcome,
      principal.id,
      new Date(this.deps.clock.now()),
    )
    if (row) return abuseReportView(row, principal, this.deps.pseudonymSecret)
    const existing = await abuseReports.findAbuseReport(this.deps.db, id)
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
