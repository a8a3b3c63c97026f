// Chat (docs/moderation.md): one thread per order between its buyer and seller;
// every party message is moderated before delivery. A blocked message is not
// delivered: the attempt and its violations are committed, then the sender
// gets the 422 `message-blocked` problem. A `review` verdict (weak signals
// only) delivers the message and flags it for arbiters; its violations enter
// the ledger only if an arbiter confirms the flag. Messages may carry photos
// (the photo pipeline, docs/photos.md), all or nothing with the message.
import { requireRole } from '../../auth/require-role.js'
import type { Selectable } from 'kysely'
import type { Db, Tx } from '../../db/database.js'
import type { MessagesTable, ThreadsTable } from '../../db/schema.js'
import type { Policy } from '../../config/policy.js'
import type { Principal } from '../../auth/principal.js'
import { notFound, validation } from '../../shared/errors.js'
import { moderate, type ModerationResult, type Violation } from '../moderation/engine/index.js'
import { relaxingDomains } from '../moderation/official-domains.js'
import { domainsOf } from '../sellers/official-domains.repository.js'
import { sellerDomainView } from '../sellers/official-domains.service.js'
import * as chatRepo from './chat.repository.js'
import * as abuseReports from '../moderation/abuse-reports.repository.js'
import * as refusals from '../moderation/refusals.repository.js'
import type { Clock } from '../../shared/clock.js'
import type { PhotosService, PhotoUpload, PhotoView, PreparedPhoto } from '../photos/photos.service.js'
import { compensating } from '../photos/compensating.js'
import { tooManyPhotos } from '../photos/errors.js'
import { buyerPseudonym } from '../sellers/pseudonym.js'
import { isBigintId } from '../../shared/bigint-id.js'
import { paginate, type CursorCodec } from '../../shared/cursor.js'
import { chatDisabled, chatSuspended, forbidden, messageBlocked } from './errors.js'
import { allowedDomains, moderateOnPlatform, recordViolations } from '../moderation/enforcement.js'
import { abuseReportView } from '../moderation/violations.service.js'

export interface ChatServiceDeps {
  db: Db
  policy: Policy
  clock: Clock
  pseudonymSecret: string
  /** Photos on messages and in message views. */
  photos: PhotosService
  cursors: CursorCodec
}

type ThreadRow = Selectable<ThreadsTable>
type MessageRow = Selectable<MessagesTable>

/** A sender allowed to write in the thread, and moderation's verdict on the text; or the refusal to keep. */
type Admitted = {
  kind: 'admitted'
  thread: ThreadRow
  role: 'buyer' | 'seller'
  claim: { id: string; open: boolean } | null
  result: ModerationResult
}
type Blocked = Omit<Admitted, 'kind' | 'result'> & { kind: 'blocked'; violations: Violation[] }
type Admission = Admitted | Blocked

/** A message as its sender gets it back; `hold` when it is held for review. */
export type SentMessage = ReturnType<ChatService['messageView']> & { hold?: { violations: Violation[] } }

/** A photo-only message has no text for moderation to refuse. */
const NO_TEXT: ModerationResult = { verdict: 'deliver', violations: [] }

export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  private now(): Date {
    return new Date(this.deps.clock.now())
  }

  /** Parties see their own threads, arbiters any; everyone else gets 404. */
  private canRead(principal: Principal, thread: ThreadRow): boolean {
    if (principal.role === 'arbiter') return true
    return this.isParty(principal, thread)
  }

  private isParty(principal: Principal, thread: Pick<ThreadRow, 'buyer_id' | 'seller_id'>): boolean {
    return (
      (principal.role === 'buyer' && thread.buyer_id === principal.id) ||
      (principal.role === 'seller' && thread.seller_id === principal.id)
    )
  }

  threadView(thread: ThreadRow, principal: Principal) {
    return {
      id: thread.id,
      order_id: thread.order_id,
      buyer:
        principal.role === 'seller'
          ? { pseudonym: buyerPseudonym(this.deps.pseudonymSecret, thread.seller_id, thread.buyer_id) }
          : { id: thread.buyer_id },
      seller: { id: thread.seller_id },
      has_claim: thread.has_claim,
      created_at: thread.created_at.toISOString(),
      last_message_at: thread.last_message_at.toISOString(),
    }
  }

  messageView(m: MessageRow, thread: Pick<ThreadRow, 'seller_id'>, principal: Principal, photos: PhotoView[] = []) {
    const sender =
      m.sender_role === 'buyer' && principal.role === 'seller'
        ? { role: m.sender_role, pseudonym: buyerPseudonym(this.deps.pseudonymSecret, thread.seller_id, m.sender_id) }
        : { role: m.sender_role, id: m.sender_id }
    const { moderation, ...payload } = (m.payload ?? {}) as Record<string, unknown>
    return {
      id: m.id,
      thread_id: m.thread_id,
      kind: m.kind,
      sender,
      text: m.text,
      photos,
      claim_id: m.claim_id,
      payload,
      created_at: m.created_at.toISOString(),
      status: m.status,
      // Moderation notes are for arbiters only.
      ...(principal.role === 'arbiter' && moderation !== undefined ? { moderation } : {}),
    }
  }

  /** Views of a page of messages, their photos loaded in one query. */
  private async messageViews(rows: MessageRow[], thread: ThreadRow, principal: Principal) {
    const photos = await this.deps.photos.forMessages(rows.map((m) => m.id))
    return rows.map((m) => this.messageView(m, thread, principal, photos.get(m.id)))
  }

  /** Arbiters read every message; a party the delivered ones and its own held or withheld ones. */
  private reader(principal: Principal): chatRepo.MessageReader {
    return principal.role === 'arbiter' ? { role: 'arbiter' } : { role: principal.role, id: principal.id }
  }

  /** The buyer starts the order's thread, or gets the existing one back. */
  async startThread(
    principal: Principal,
    orderId: string,
  ): Promise<{ thread: ReturnType<ChatService['threadView']>; created: boolean }> {
    requireRole(principal, ['buyer'], 'only the order’s buyer starts a thread')
    const now = this.now()
    return this.deps.db.transaction().execute(async (tx) => {
      const order = await chatRepo.findOrder(tx, orderId)
      if (!order || order.buyer_id !== principal.id) throw notFound('order')
      const existing = await chatRepo.findThreadByOrder(tx, orderId)
      if (existing) return { thread: this.threadView(existing, principal), created: false }
      const hasClaim = await chatRepo.orderHasClaim(tx, orderId)
      if (!hasClaim && !(await chatRepo.presaleQuestionsEnabled(tx, order.seller_id))) throw chatDisabled()
      const { id, created } = await chatRepo.createThread(tx, {
        order_id: orderId,
        buyer_id: order.buyer_id,
        seller_id: order.seller_id,
        has_claim: hasClaim,
        created_at: now,
      })
      const row = await chatRepo.findThread(tx, id)
      return { thread: this.threadView(row!, principal), created }
    })
  }

  async listThreads(
    principal: Principal,
    query: { claims_only?: boolean; order_id?: string; limit: number; cursor?: string },
  ) {
    let filter: chatRepo.ThreadFilter
    const scope = { claims_only: query.claims_only, order_id: query.order_id }
    if (principal.role === 'buyer') filter = { ...scope, buyer_id: principal.id }
    else if (principal.role === 'seller') filter = { ...scope, seller_id: principal.id }
    // An arbiter finds a claim's thread by its order, never browses every thread.
    else if (principal.role === 'arbiter' && query.order_id !== undefined) filter = scope
    else throw forbidden('buyers and sellers list their own threads; arbiters name an order_id or open a thread by id')
    const c = query.cursor ? this.deps.cursors.openTime('threads', query.cursor) : undefined
    const rows = await chatRepo.listThreads(this.deps.db, filter, {
      limit: query.limit,
      before: c && { last_message_at: c.at, id: c.id },
    })
    const { page, next_cursor } = paginate(rows, query.limit, (last) =>
      this.deps.cursors.sealTime('threads', last.last_message_at, last.id),
    )
    return { items: page.map((t) => this.threadView(t, principal)), next_cursor }
  }

  async getThread(principal: Principal, id: string) {
    const thread = await chatRepo.findThread(this.deps.db, id)
    if (!thread || !this.canRead(principal, thread)) throw notFound('thread')
    return this.threadView(thread, principal)
  }

  /** Newest first (`cursor` pages back), or with `after` what is new, oldest first. */
  async listMessages(
    principal: Principal,
    threadId: string,
    query: { limit: number; cursor?: string; after?: string },
  ) {
    const thread = await chatRepo.findThread(this.deps.db, threadId)
    if (!thread || !this.canRead(principal, thread)) throw notFound('thread')
    if (query.after !== undefined && query.cursor !== undefined) {
      throw validation('use either cursor (older messages) or after (newer messages), not both', { field: 'after' })
    }
    const reader = this.reader(principal)
    // Cursors hold a place in the thread (seq), which a released message takes anew.
    const seal = (last: MessageRow) => this.deps.cursors.sealId('messages', last.seq)
    if (query.after !== undefined) {
      const rows = await chatRepo.listMessages(this.deps.db, threadId, reader, {
        limit: query.limit,
        // A message id as well as a cursor.
        after: isBigintId(query.after)
          ? { messageId: query.after }
          : { seq: this.deps.cursors.openId('messages', query.after, 'after') },
      })
      const { page, next_cursor } = paginate(rows, query.limit, seal)
      return { items: await this.messageViews(page, thread, principal), next_cursor }
    }
    const before = query.cursor ? this.deps.cursors.openId('messages', query.cursor) : undefined
    const rows = await chatRepo.listMessages(this.deps.db, threadId, reader, { limit: query.limit, before })
    const { page, next_cursor } = paginate(rows, query.limit, seal)
    return { items: await this.messageViews(page, thread, principal), next_cursor }
  }

  /**
   * A party's message with optional photos: moderated, then delivered
   * (deliver / review) or refused (block). A refused attempt and its
   * violations are committed before the 422 is thrown, so they survive it.
   *
   * A clean text from a party is one statement (postCleanText); any other
   * text takes one read and one write statement. With photos, all or
   * nothing: access, suspension and moderation are checked before any image
   * work (a refused message keeps no photo); the photos are stored before the
   * message's transaction and deleted again if it fails or refuses.
   */
  async postMessage(
    principal: Principal,
    threadId: string,
    text: string | undefined,
    uploads: PhotoUpload[] = [],
  ): Promise<SentMessage> {
    // Blank text beside photos is no text; the route's schema already refuses a message with neither.
    const body = text !== undefined && /\S/.test(text) ? text : ''
    if (body === '' && uploads.length === 0)
      throw validation('a message needs text or at least one photo', { field: 'text' })
    const now = this.now()
    if (uploads.length === 0) {
      const clean = await this.postCleanText(principal, threadId, body, now)
      if (clean) return clean
      const admission = this.admit(principal, await chatRepo.findThreadForMessage(this.deps.db, threadId, false), body)
      if (admission.kind === 'admitted') {
        const row = await chatRepo.insertMessage(
          this.deps.db,
          this.newMessage(principal, admission, body, now),
          this.flagged(admission),
        )
        return this.sent(this.messageView(row, admission.thread, principal), admission)
      }
      // Refusals count toward sanctions: decide again under the thread's lock, so attempts racing past a threshold are held to it.
      return this.postLocked(principal, threadId, body, now)
    }
    const max = this.deps.policy.photos_per_message_max
    if (uploads.length > max)
      throw tooManyPhotos(max, `a message may carry at most ${max} photo${max === 1 ? '' : 's'}`)
    const early = await this.deps.db.transaction().execute((tx) => this.admitLocked(tx, principal, threadId, body, now))
    if (early.kind === 'blocked') throw messageBlocked(early.violations)
    const prepared = await this.deps.photos.prepare(uploads, principal)
    return compensating(this.deps.photos, prepared, () => this.postLocked(principal, threadId, body, now, prepared))
  }

  /**
   * Most messages, in one round trip: a party's text that moderation delivers
   * on the platform's domains alone (moderateOnPlatform) is clean in every
   * thread, so it needs nothing read first. Undefined sends the message down
   * the full path: a finding to weigh with the seller's domains, or a check
   * the statement refused (which the full path explains).
   */
  private async postCleanText(principal: Principal, threadId: string, text: string, now: Date) {
    if (principal.role !== 'buyer' && principal.role !== 'seller') return undefined
    const result = moderateOnPlatform(text, principal.role, this.deps.policy)
    if (result.violations.length > 0) return undefined
    const written = await chatRepo.insertAdmittedText(this.deps.db, {
      thread_id: threadId,
      sender_role: principal.role,
      sender_id: principal.id,
      text,
      created_at: now,
    })
    return written && this.messageView(written.message, written, principal)
  }

  /** The message in a transaction under the thread's lock, with its photos if any; a refusal is kept, then thrown. */
  private async postLocked(
    principal: Principal,
    threadId: string,
    body: string,
    now: Date,
    prepared: PreparedPhoto[] = [],
  ) {
    const outcome = await this.deps.db.transaction().execute(async (tx) => {
      const admission = await this.admitLocked(tx, principal, threadId, body, now)
      if (admission.kind === 'blocked') return admission
      const row = await chatRepo.insertMessage(
        tx,
        this.newMessage(principal, admission, body, now),
        this.flagged(admission),
      )
      if (prepared.length > 0) {
        // In a claim thread the photos are evidence for the open claim (and checked for reuse); otherwise, or
        // while the message is held (the claim's evidence is the other party's to read), the message's only.
        const claimId = admission.claim?.open && row.status === 'delivered' ? admission.claim.id : null
        await this.deps.photos.attach(
          tx,
          { claimId, messageId: row.id, uploader: { role: admission.role, id: principal.id } },
          prepared,
        )
      }
      return { kind: 'delivered', row, admission } as const
    })
    // Thrown after the commit (and inside `compensating`): the kept attempt survives, its photos do not.
    if (outcome.kind === 'blocked') throw messageBlocked(outcome.violations)
    const { row, admission } = outcome
    const view =
      prepared.length === 0
        ? this.messageView(row, admission.thread, principal)
        : ((await this.messageViews([row], admission.thread, principal))[0] as ReturnType<ChatService['messageView']>)
    return this.sent(view, admission)
  }

  /** The sender's answer: a held message says why (the findings, each with its hint), so the sender can reword it. */
  private sent(view: ReturnType<ChatService['messageView']>, admission: Admitted): SentMessage {
    return view.status === 'held' ? { ...view, hold: { violations: admission.result.violations } } : view
  }

  /**
   * May this party write in the thread now, and does moderation deliver the
   * text? Reads nothing: `found` carries the thread and what the checks need.
   */
  private admit(principal: Principal, found: chatRepo.ThreadForMessage | undefined, text: string): Admission {
    if (!found || !this.canRead(principal, found)) throw notFound('thread')
    if (!this.isParty(principal, found))
      throw forbidden('only the buyer and the seller of the order write in its thread')
    const { seller_suspension_id, current_claim_id, current_claim_open, presale_questions, seller_domains, ...thread } =
      found
    const role = principal.role as 'buyer' | 'seller'
    if (role === 'seller' && seller_suspension_id !== null) throw chatSuspended(seller_suspension_id)
    const claim = current_claim_id === null ? null : { id: current_claim_id, open: current_claim_open === true }
    if (role === 'buyer' && !thread.has_claim && claim === null && !presale_questions) throw chatDisabled()
    if (text === '') return { kind: 'admitted', thread, role, claim, result: NO_TEXT }
    const result = moderate(text, {
      senderRole: role,
      allowedDomains: relaxingDomains(this.deps.policy.platform_domains, seller_domains),
    })
    if (result.verdict === 'block') return { kind: 'blocked', thread, role, claim, violations: result.violations }
    return { kind: 'admitted', thread, role, claim, result }
  }

  /** admit() under the thread's row lock; a blocked text is kept for arbiters in this transaction. */
  private async admitLocked(
    tx: Tx,
    principal: Principal,
    threadId: string,
    text: string,
    now: Date,
  ): Promise<Admission> {
    const admission = this.admit(principal, await chatRepo.findThreadForMessage(tx, threadId, true), text)
    if (admission.kind === 'blocked') await this.keepBlocked(tx, admission, text, now)
    return admission
  }

  private newMessage(principal: Principal, admission: Admitted, text: string, now: Date) {
    return {
      thread_id: admission.thread.id,
      sender_role: admission.role,
      sender_id: principal.id,
      text,
      claim_id: admission.claim?.id ?? null,
      payload: admission.result.verdict === 'review' ? { moderation: admission.result } : {},
      created_at: now,
      status: this.holds(admission.result) ? ('held' as const) : ('delivered' as const),
    }
  }

  /** Under policy moderation_review = hold, a `review` verdict keeps the message from the other party until an arbiter decides. */
  private holds(result: ModerationResult): boolean {
    return result.verdict === 'review' && this.deps.policy.moderation_review === 'hold'
  }

  /** A `review` verdict delivers the message and flags it for arbiters with its violations. */
  private flagged(admission: Admitted): Violation[] | null {
    return admission.result.verdict === 'review' ? admission.result.violations : null
  }

  private async keepBlocked(tx: Tx, refused: Blocked, text: string, now: Date): Promise<void> {
    const party = {
      role: refused.role,
      id: refused.role === 'buyer' ? refused.thread.buyer_id : refused.thread.seller_id,
    }
    const claimId = refused.claim?.id ?? null
    const blockedId = await refusals.insertBlocked(tx, {
      source: 'chat',
      thread_id: refused.thread.id,
      claim_id: claimId,
      sender_role: party.role,
      sender_id: party.id,
      text,
      violations: refused.violations,
      created_at: now,
    })
    await recordViolations(tx, this.deps, {
      party,
      source: 'chat',
      violations: refused.violations,
      thread_id: refused.thread.id,
      claim_id: claimId,
      blocked_message_id: blockedId,
    })
  }

  /** A draft check: the verdict a message would get; writes nothing. */
  async check(
    principal: Principal,
    text: string,
    senderRole: 'buyer' | 'seller' | 'arbiter',
  ): Promise<ModerationResult & { held: boolean }> {
    const sellerId = principal.role === 'seller' ? principal.id : null
    const allowed = await allowedDomains(this.deps.db, this.deps.policy, sellerId)
    const result = moderate(text, { senderRole, allowedDomains: allowed })
    return { ...result, held: this.holds(result) }
  }

  /** A party reports the other party's message as abusive; arbiters read the reports. */
  async reportMessage(principal: Principal, threadId: string, messageId: string, reason: string | undefined) {
    const thread = await chatRepo.findThread(this.deps.db, threadId)
    if (!thread || !this.isParty(principal, thread)) throw notFound('thread')
    const message = await chatRepo.findMessage(this.deps.db, threadId, messageId, this.reader(principal))
    if (!message) throw notFound('message')
    const other = principal.role === 'seller' ? 'buyer' : 'seller'
    if (message.sender_role !== other) {
      throw validation('only the other party’s messages can be reported', { field: 'message_id' })
    }
    const { row, created } = await abuseReports.insertAbuseReport(this.deps.db, {
      thread_id: threadId,
      message_id: messageId,
      reporter_role: principal.role,
      reporter_id: principal.id,
      reported_role: message.sender_role,
      reported_id: message.sender_id,
      reason: reason ?? null,
      created_at: this.now(),
    })
    return { report: abuseReportView(row, principal, this.deps.pseudonymSecret), created }
  }

  private sellerOnly(principal: Principal): void {
    requireRole(principal, ['seller'], 'only sellers have chat settings')
  }

  async settings(principal: Principal) {
    this.sellerOnly(principal)
    return {
      presale_questions: await chatRepo.presaleQuestionsEnabled(this.deps.db, principal.id),
      official_domains: (await domainsOf(this.deps.db, principal.id)).map(sellerDomainView),
    }
  }

  /** Switching pre-sale questions off closes new pre-sale threads; existing ones stay readable, claim threads unaffected. */
  async setPresaleQuestions(principal: Principal, enabled: boolean) {
    this.sellerOnly(principal)
    await chatRepo.setPresaleQuestions(this.deps.db, principal.id, enabled, this.now())
    return this.settings(principal)
  }
}
