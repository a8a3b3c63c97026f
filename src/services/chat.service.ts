// Chat (PRODUCT.md §4): one thread per order between its buyer and seller;
// every party message is moderated before delivery. A blocked message is not
// delivered: the attempt and its violations are committed, then the sender
// gets the 422 `message-blocked` problem. A `review` verdict (weak signals
// only) delivers the message and flags it for arbiters; its violations enter
// the ledger only if an arbiter confirms the flag. Messages may carry photos
// (PRODUCT.md §5's pipeline), all or nothing with the message.
import { domainToASCII, domainToUnicode } from 'node:url'
import type { Selectable } from 'kysely'
import type { Db, Tx } from '../db/database.js'
import type { MessagesTable, ThreadsTable } from '../db/schema.js'
import type { Policy } from '../config/policy.js'
import type { Principal } from '../auth/principal.js'
import { notFound, validation } from '../errors.js'
import { moderate, type ModerationResult, type Violation } from '../moderation/index.js'
import { imitatesAllowed, isAllowedHost } from '../moderation/domains.js'
import * as chatRepo from '../repositories/chat.repository.js'
import { postMessage } from '../repositories/threads.repository.js'
import type { Clock } from './clock.js'
import type { PhotosService, PhotoUpload, PhotoView, PreparedPhoto } from './photos.service.js'
import { compensating } from './photos/compensating.js'
import { tooManyPhotos } from './photos/errors.js'
import { buyerPseudonym } from './pseudonym.js'
import { decodeAfter, decodeIdCursor, decodeTimeCursor, idCursor, paginate, timeCursor } from './chat/cursor.js'
import { chatDisabled, chatSuspended, forbidden, messageBlocked } from './chat/errors.js'
import { abuseReportView, allowedDomains, isSellerChatSuspended, recordViolations, type PartyRole } from './violations.service.js'

export const OFFICIAL_DOMAINS_MAX = 20

export interface ChatServiceDeps {
  db: Db
  policy: Policy
  clock: Clock
  pseudonymSecret: string
  /** Photos on messages and in message views; without it messages carry none. */
  photos?: PhotosService
}

type ThreadRow = Selectable<ThreadsTable>
type MessageRow = Selectable<MessagesTable>

/** A sender allowed to write in the thread, and moderation's verdict on the text; or the kept refusal. */
type Admission =
  | {
      kind: 'admitted'
      thread: ThreadRow
      role: 'buyer' | 'seller'
      claim: { id: string; open: boolean } | null
      result: ModerationResult
    }
  | { kind: 'blocked'; violations: Violation[] }

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
    return (principal.role === 'buyer' && thread.buyer_id === principal.id) || (principal.role === 'seller' && thread.seller_id === principal.id)
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

  messageView(m: MessageRow, thread: ThreadRow, principal: Principal, photos: PhotoView[] = []) {
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
      // Moderation notes are for arbiters only.
      ...(principal.role === 'arbiter' && moderation !== undefined ? { moderation } : {}),
    }
  }

  /** Views of a page of messages, their photos loaded in one query. */
  private async messageViews(rows: MessageRow[], thread: ThreadRow, principal: Principal) {
    const photos = this.deps.photos ? await this.deps.photos.forMessages(rows.map((m) => m.id)) : new Map<string, PhotoView[]>()
    return rows.map((m) => this.messageView(m, thread, principal, photos.get(m.id)))
  }

  /** The buyer starts the order's thread, or gets the existing one back. */
  async startThread(principal: Principal, orderId: string): Promise<{ thread: ReturnType<ChatService['threadView']>; created: boolean }> {
    if (principal.role !== 'buyer') throw forbidden('only the order’s buyer starts a thread')
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

  async listThreads(principal: Principal, query: { claims_only?: boolean; limit: number; cursor?: string }) {
    let filter: { buyer_id?: string; seller_id?: string; claims_only?: boolean }
    if (principal.role === 'buyer') filter = { buyer_id: principal.id, claims_only: query.claims_only }
    else if (principal.role === 'seller') filter = { seller_id: principal.id, claims_only: query.claims_only }
    else throw forbidden('buyers and sellers list their own threads; arbiters open a thread by id')
    const c = query.cursor ? decodeTimeCursor(query.cursor) : undefined
    const rows = await chatRepo.listThreads(this.deps.db, filter, { limit: query.limit, before: c && { last_message_at: c.at, id: c.id } })
    const { page, next_cursor } = paginate(rows, query.limit, (last) => timeCursor(last.last_message_at, last.id))
    return { items: page.map((t) => this.threadView(t, principal)), next_cursor }
  }

  async getThread(principal: Principal, id: string) {
    const thread = await chatRepo.findThread(this.deps.db, id)
    if (!thread || !this.canRead(principal, thread)) throw notFound('thread')
    return this.threadView(thread, principal)
  }

  /** Newest first (`cursor` pages back), or with `after` what is new, oldest first. */
  async listMessages(principal: Principal, threadId: string, query: { limit: number; cursor?: string; after?: string }) {
    const thread = await chatRepo.findThread(this.deps.db, threadId)
    if (!thread || !this.canRead(principal, thread)) throw notFound('thread')
    if (query.after !== undefined && query.cursor !== undefined) {
      throw validation('use either cursor (older messages) or after (newer messages), not both', { field: 'after' })
    }
    if (query.after !== undefined) {
      const rows = await chatRepo.listMessages(this.deps.db, threadId, { limit: query.limit, after: decodeAfter(query.after) })
      const { page, next_cursor } = paginate(rows, query.limit, (last) => idCursor(last.id))
      return { items: await this.messageViews(page, thread, principal), next_cursor }
    }
    const before = query.cursor ? decodeIdCursor(query.cursor) : undefined
    const rows = await chatRepo.listMessages(this.deps.db, threadId, { limit: query.limit, before })
    const { page, next_cursor } = paginate(rows, query.limit, (last) => idCursor(last.id))
    return { items: await this.messageViews(page, thread, principal), next_cursor }
  }

  /**
   * A party's message with optional photos: moderated, then delivered
   * (deliver / review) or refused (block). A refusal is thrown after its
   * transaction commits, so the kept attempt and its violations survive the
   * 422. All or nothing with photos: access, suspension and moderation are
   * checked before any image work (a refused message keeps no photo); the
   * photos are stored before the message's transaction and deleted again if
   * it fails or refuses.
   */
  async postMessage(principal: Principal, threadId: string, text: string | undefined, uploads: PhotoUpload[] = []) {
    // Blank text beside photos is no text; the route's schema already refuses a message with neither.
    const body = text !== undefined && /\S/.test(text) ? text : ''
    if (body === '' && uploads.length === 0) throw validation('a message needs text or at least one photo', { field: 'text' })
    const now = this.now()
    let prepared: PreparedPhoto[] = []
    if (uploads.length > 0) {
      const max = this.deps.policy.photos_per_message_max
      if (uploads.length > max) throw tooManyPhotos(max, `a message may carry at most ${max} photo${max === 1 ? '' : 's'}`)
      const photos = this.photoService()
      const early = await this.deps.db.transaction().execute((tx) => this.admit(tx, principal, threadId, body, now))
      if (early.kind === 'blocked') throw messageBlocked(early.violations)
      prepared = await photos.prepare(uploads)
    }
    const delivered = await compensating(this.deps.photos, prepared, async () => {
      const outcome = await this.deps.db.transaction().execute(async (tx) => {
        const admission = await this.admit(tx, principal, threadId, body, now)
        if (admission.kind === 'blocked') return admission
        const { thread, role, claim, result } = admission
        const review = result.verdict === 'review'
        const message = await postMessage(tx, {
          thread_id: thread.id,
          sender_role: role,
          sender_id: principal.id,
          kind: 'text',
          text: body,
          claim_id: claim?.id ?? null,
          payload: review ? { moderation: result } : {},
          created_at: now,
        })
        if (review) await chatRepo.insertFlag(tx, { message_id: message.id, thread_id: thread.id, violations: result.violations, created_at: now })
        if (prepared.length > 0) {
          // In a claim thread the photos are evidence for the open claim (and checked for reuse); otherwise the message's only.
          const claimId = claim?.open ? claim.id : null
          await this.photoService().attach(tx, { claimId, messageId: message.id, uploader: { role, id: principal.id } }, prepared)
        }
        // The event feed and webhooks (PRODUCT.md §7) pick the message up from its row (a trigger).
        const row = await tx.selectFrom('messages').selectAll().where('id', '=', message.id).executeTakeFirstOrThrow()
        return { kind: 'delivered', row, thread } as const
      })
      // Thrown inside `compensating`: a message refused in its transaction (a race with new domain rules) keeps no photo either.
      if (outcome.kind === 'blocked') throw messageBlocked(outcome.violations)
      return outcome
    })
    return (await this.messageViews([delivered.row], delivered.thread, principal))[0] as ReturnType<ChatService['messageView']>
  }

  /**
   * Under the thread's row lock: may this party write here now, and does
   * moderation deliver the text? A blocked text is kept for arbiters (with
   * its violations) in this transaction.
   */
  private async admit(tx: Tx, principal: Principal, threadId: string, text: string, now: Date): Promise<Admission> {
    const thread = await chatRepo.findThreadForUpdate(tx, threadId)
    if (!thread || !this.canRead(principal, thread)) throw notFound('thread')
    if (!this.isParty(principal, thread)) throw forbidden('only the buyer and the seller of the order write in its thread')
    const role = principal.role as 'buyer' | 'seller'
    if (role === 'seller') {
      const suspension = await isSellerChatSuspended(tx, principal.id)
      if (suspension) throw chatSuspended(suspension.id)
    }
    const claim = await chatRepo.currentClaim(tx, thread.order_id)
    if (role === 'buyer' && !thread.has_claim && claim === null && !(await chatRepo.presaleQuestionsEnabled(tx, thread.seller_id))) {
      throw chatDisabled()
    }
    if (text === '') return { kind: 'admitted', thread, role, claim, result: NO_TEXT }
    const allowed = await allowedDomains(tx, this.deps.policy, thread.seller_id)
    const result = moderate(text, { senderRole: role, allowedDomains: allowed })
    if (result.verdict === 'block') {
      await this.keepBlocked(tx, { role, id: principal.id }, thread, claim?.id ?? null, text, result.violations, now)
      return { kind: 'blocked', violations: result.violations }
    }
    return { kind: 'admitted', thread, role, claim, result }
  }

  private photoService(): PhotosService {
    if (!this.deps.photos) throw new Error('ChatService was built without a PhotosService: it cannot take photos')
    return this.deps.photos
  }

  private async keepBlocked(
    tx: Tx,
    party: { role: PartyRole; id: string },
    thread: ThreadRow,
    claimId: string | null,
    text: string,
    violations: Violation[],
    now: Date,
  ): Promise<void> {
    const blockedId = await chatRepo.insertBlocked(tx, {
      source: 'chat',
      thread_id: thread.id,
      claim_id: claimId,
      sender_role: party.role,
      sender_id: party.id,
      text,
      violations,
      created_at: now,
    })
    await recordViolations(tx, this.deps, {
      party,
      source: 'chat',
      violations,
      thread_id: thread.id,
      claim_id: claimId,
      blocked_message_id: blockedId,
    })
  }

  /** A draft check: the verdict a message would get; writes nothing. */
  async check(principal: Principal, text: string, senderRole: 'buyer' | 'seller' | 'arbiter'): Promise<ModerationResult> {
    const sellerId = principal.role === 'seller' ? principal.id : null
    const allowed = await allowedDomains(this.deps.db, this.deps.policy, sellerId)
    return moderate(text, { senderRole, allowedDomains: allowed })
  }

  /** A party reports the other party's message as abusive; arbiters read the reports. */
  async reportMessage(principal: Principal, threadId: string, messageId: string, reason: string | undefined) {
    const thread = await chatRepo.findThread(this.deps.db, threadId)
    if (!thread || !this.isParty(principal, thread)) throw notFound('thread')
    const message = await chatRepo.findMessage(this.deps.db, threadId, messageId)
    if (!message) throw notFound('message')
    const other = principal.role === 'seller' ? 'buyer' : 'seller'
    if (message.sender_role !== other) {
      throw validation('only the other party’s messages can be reported', { field: 'message_id' })
    }
    const { row, created } = await chatRepo.insertAbuseReport(this.deps.db, {
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
    if (principal.role !== 'seller') throw forbidden('only sellers have chat settings')
  }

  async settings(principal: Principal) {
    this.sellerOnly(principal)
    return {
      presale_questions: await chatRepo.presaleQuestionsEnabled(this.deps.db, principal.id),
      official_domains: await chatRepo.officialDomains(this.deps.db, principal.id),
    }
  }

  /** Switching pre-sale questions off closes new pre-sale threads; existing ones stay readable, claim threads unaffected. */
  async setPresaleQuestions(principal: Principal, enabled: boolean) {
    this.sellerOnly(principal)
    await chatRepo.setPresaleQuestions(this.deps.db, principal.id, enabled, this.now())
    return this.settings(principal)
  }

  async setOfficialDomains(principal: Principal, domains: readonly string[]) {
    this.sellerOnly(principal)
    const normalised = validateOfficialDomains(domains, this.deps.policy.platform_domains)
    await this.deps.db.transaction().execute((tx) => chatRepo.replaceOfficialDomains(tx, principal.id, normalised))
    return { domains: await chatRepo.officialDomains(this.deps.db, principal.id) }
  }
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/

/**
 * Lowercase hostnames (IDN in punycode), at most OFFICIAL_DOMAINS_MAX. A
 * domain that is a messenger or contact host, or that imitates a platform
 * domain, is refused: registering it would let contact details or phishing
 * links through moderation.
 */
export function validateOfficialDomains(input: readonly string[], platformDomains: readonly string[]): string[] {
  const errors: { domain: string; reason: string }[] = []
  const out = new Set<string>()
  for (const raw of input) {
    const trimmed = raw.trim().toLowerCase().replace(/\.$/, '')
    const ascii = domainToASCII(trimmed)
    const labels = ascii.split('.')
    if (!ascii || ascii.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TLD.test(labels.at(-1)!)) {
      errors.push({ domain: raw, reason: 'not a hostname (give e.g. "service.example.com", without scheme or path)' })
      continue
    }
    if (!isAllowedHost(ascii, platformDomains)) {
      const contact = moderate(`https://${ascii}/`, { senderRole: 'seller', allowedDomains: platformDomains }).violations.some(
        (v) => v.rule === 'contact_exchange',
      )
      if (contact) {
        errors.push({ domain: raw, reason: 'messenger and contact hosts cannot be official domains' })
        continue
      }
      if (imitatesAllowed(domainToUnicode(ascii) || ascii, platformDomains)) {
        errors.push({ domain: raw, reason: 'imitates a platform domain' })
        continue
      }
    }
    out.add(ascii)
  }
  if (out.size > OFFICIAL_DOMAINS_MAX) errors.push({ domain: '*', reason: `at most ${OFFICIAL_DOMAINS_MAX} domains` })
  if (errors.length > 0) throw validation('some official domains were refused', { errors })
  return [...out]
}
