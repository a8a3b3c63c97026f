// Enforcement (docs/moderation.md): moderating what a party writes outside the
// chat (claim actions' free text), recording every violation of a blocked
// attempt in the ledger with the policy's fine for the sender's role, the
// thresholds that suspend a seller's chat or restrict a buyer's claims at once
// (pending an arbiter's review), and the sanctions an arbiter's decision imposes.
// Writes run in the caller's transaction (recordViolations) or in one of their own.
import type { Insertable, Selectable } from 'kysely'
import type { Db, DbOrTx, Tx } from '../../db/database.js'
import type { SanctionsTable, ViolationsTable } from '../../db/schema.js'
import type { Policy } from '../../config/policy.js'
import type { Clock } from '../../shared/clock.js'
import { moderate, type ModerationResult, type SenderRole, type Violation } from './engine/index.js'
import * as chatRepo from '../chat/chat.repository.js'
import { claimOrderId } from '../claims/claims.repository.js'
import { approvedDomains } from '../sellers/official-domains.repository.js'
import { relaxingDomains } from './official-domains.js'
import * as refusals from './refusals.repository.js'
import * as repo from './violations.repository.js'
import { chatSuspended, messageBlocked } from '../chat/errors.js'

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
      const claimOrder = input.claimId === null ? undefined : await claimOrderId(tx, input.claimId)
      const orderId = claimOrder ?? input.orderId
      threadId = orderId === undefined ? null : ((await chatRepo.findThreadByOrder(tx, orderId))?.id ?? null)
    }
    const blockedId = await refusals.insertBlocked(tx, {
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
