// Opening claims and applying actions. The machine decides; this service owns
// the transaction that writes state, snapshot, audit event, deadlines, outbox
// rows and the chat's system message together.
import { sql } from 'kysely'
import { MACHINE_VERSION } from '../../../machines/claim.machine.js'
import { initialClaimSnapshot, nextClaimSnapshot } from '../../../machines/claim.step.js'
import { ACTIONS_BY_ROLE } from '../../../machines/claim.catalogue.js'
import {
  PHOTO_EVIDENCE_REASONS,
  type ClaimReason,
  type RequestedResolution,
} from '../../../machines/claim.vocabulary.js'
import type { Actor, ClaimEvent, ClaimEventParams, Deadline } from '../../../machines/claim.types.js'
import type { Db, DbOrTx, Tx } from '../../db/database.js'
import type { ClaimRow } from '../../db/schema.js'
import type { Policy } from '../../config/policy.js'
import { DomainError, notFound } from '../../shared/errors.js'
import type { Principal } from '../../auth/principal.js'
import * as claimsRepo from './claims.repository.js'
import { replaceDeadlines, type DeadlineRow } from './deadlines.repository.js'
import { enqueueOutbox } from './outbox.repository.js'
import { ensureThread, postMessage } from '../chat/threads.repository.js'
import { writeTransition, type WrittenClaim } from './transition.repository.js'
import type { Clock } from '../../shared/clock.js'
import { cursorNotIssued, type CursorCodec } from '../../shared/cursor.js'
import type { ClaimPhotos, PhotosService, PhotoUpload, PreparedPhoto } from '../photos/photos.service.js'
import { photosNotAllowed, photosRequired, tooManyPhotos } from '../photos/errors.js'
import { compensating } from '../photos/compensating.js'
import { actionParams, type ActionBody } from './action-params.js'
import { machinePolicy, restoreSnapshot, stateNames, storeSnapshot, type ClaimSnapshot } from './claim-snapshot.js'
import { actorOf, claimView, type ClaimView } from './claim-view.js'
import { transitionText } from './transition-text.js'
import { observeDeadlineLateness } from '../../http/metrics.js'
import { applyArbiterSanctions, isBuyerRestricted, moderateActionText } from '../moderation/violations.service.js'
import { findClaimPage, type ClaimListQueryInput } from './claims-query.js'

export interface OpenClaimInput {
  order_id: string
  line_id: string
  reason: ClaimReason
  description: string
  requested_resolution: RequestedResolution
}

export interface ClaimsServiceDeps {
  db: Db
  policy: Policy
  clock: Clock
  pseudonymSecret: string
  /** Photo uploads and the photo lists of claim views. */
  photos: PhotosService
  cursors: CursorCodec
}

/** Actions whose `comment` reaches the other party and so is moderated. */
const MODERATED_COMMENTS = new Set(['reject', 'request_info', 'escalate', 'decide'])

/** The earliest of the machine's deadlines, kept on the claim row for sorting by due time. */
const nextDue = (deadlines: readonly { due_at: number }[]): Date | null =>
  deadlines.length === 0 ? null : new Date(Math.min(...deadlines.map((d) => d.due_at)))

const FINAL_STATES = new Set(['resolved', 'closed', 'withdrawn'])

/** Tries at writing one transition before a claim that keeps changing gets a 409. */
const MAX_WRITE_ATTEMPTS = 8

export const actionNotAllowed = (action: string, state: string) =>
  new DomainError({
    status: 409,
    slug: 'action-not-allowed',
    title: 'Action not allowed in this state',
    detail: `${action} is not allowed while the claim is ${state}`,
    extensions: { action, state },
  })

const claimAlreadyOpen = () =>
  new DomainError({
    status: 409,
    slug: 'claim-already-open',
    title: 'A claim is already open for this line',
    detail: 'close or withdraw the open claim on this order line first',
  })

export class ClaimsService {
  constructor(private readonly deps: ClaimsServiceDeps) {}

  view(row: ClaimRow, principal: Principal, media?: ClaimPhotos): ClaimView {
    return claimView(
      row,
      {
        principal,
        now: this.deps.clock.now(),
        policy: this.deps.policy,
        pseudonymSecret: this.deps.pseudonymSecret,
      },
      media,
    )
  }

  /** Views with their photos (and, for arbiters, reuse flags), loaded for all rows at once. */
  async views(rows: ClaimRow[], principal: Principal): Promise<ClaimView[]> {
    const media = await this.deps.photos.forClaims(
      rows.map((r) => r.id),
      principal,
    )
    return rows.map((r) => this.view(r, principal, media.get(r.id)))
  }

  private async viewOne(row: ClaimRow, principal: Principal): Promise<ClaimView> {
    return (await this.views([row], principal))[0] as ClaimView
  }

  /** Who may see a claim (PRODUCT.md §1); everyone else gets 404. */
  canSee(principal: Principal, row: Pick<ClaimRow, 'buyer_id' | 'seller_id'>): boolean {
    switch (principal.role) {
      case 'buyer':
        return row.buyer_id === principal.id
      case 'seller':
        return row.seller_id === principal.id
      case 'arbiter':
      case 'service':
        return true
    }
  }

  async get(principal: Principal, id: string): Promise<ClaimView> {
    const row = await claimsRepo.findClaim(this.deps.db, id)
    if (!row || !this.canSee(principal, row)) throw notFound('claim')
    return this.viewOne(row, principal)
  }

  async events(principal: Principal, id: string) {
    const row = await claimsRepo.findClaim(this.deps.db, id)
    if (!row || !this.canSee(principal, row)) throw notFound('claim')
    const events = await claimsRepo.listEvents(this.deps.db, id)
    return events.map((e) => ({
      seq: e.seq,
      // The buyer's id never reaches a seller, not even through the audit trail.
      actor: {
        role: e.actor_role,
        ...(principal.role === 'seller' && e.actor_role === 'buyer' ? {} : { id: e.actor_id }),
      },
      action: e.action,
      from_state: e.from_state,
      to_state: e.to_state,
      payload: e.payload,
      at: e.created_at.toISOString(),
    }))
  }

  /**
   * Opens a claim with its photos, all or nothing: the photos are processed
   * and stored before the transaction (after the cheap checks, so a claim
   * that cannot open costs no image work), their rows are written inside it,
   * and the stored files are deleted again if it fails.
   */
  async open(principal: Principal, input: OpenClaimInput, uploads: PhotoUpload[] = []): Promise<ClaimView> {
    if (principal.role !== 'buyer') {
      throw new DomainError({
        status: 403,
        slug: 'action-forbidden',
        title: 'Action not permitted',
        detail: 'only buyers open claims',
      })
    }
    if (await isBuyerRestricted(this.deps.db, principal.id)) {
      throw new DomainError({
        status: 403,
        slug: 'claims-restricted',
        title: 'Claims restricted',
        detail: 'new claims from this account are restricted pending an arbiter review',
      })
    }
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
      const open = await this.deps.db
        .selectFrom('claims')
        .select('id')
        .where('order_id', '=', input.order_id)
        .where('line_id', '=', input.line_id)
        .where('state', 'not in', [...FINAL_STATES])
        .executeTakeFirst()
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
        const fresh = await replaceDeadlines(tx, created.id, 1, [], snapshot.context.deadlines, new Date(now))
        await this.scheduleDeadlines(tx, fresh)
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
    return this.viewOne(row, principal)
  }

  /** The order line a buyer may open a claim on now, or the refusal. */
  private async claimableLine(db: DbOrTx, principal: Principal, input: OpenClaimInput, now: number) {
    const line = await db
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select(['orders.buyer_id', 'orders.seller_id', 'orders.scheme', 'orders.currency', 'orders.delivered_at'])
      .select(['order_lines.sku', 'order_lines.quantity', 'order_lines.unit_price'])
      .where('order_lines.order_id', '=', input.order_id)
      .where('order_lines.id', '=', input.line_id)
      .executeTakeFirst()
    if (!line || line.buyer_id !== principal.id) throw notFound('order line')
    if (!line.delivered_at || line.delivered_at.getTime() > now) {
      throw new DomainError({
        status: 422,
        slug: 'line-not-delivered',
        title: 'Line not delivered',
        detail: 'a claim needs a delivered order line',
      })
    }
    if (now - line.delivered_at.getTime() > this.deps.policy.claim_window) {
      throw new DomainError({
        status: 422,
        slug: 'claim-window-passed',
        title: 'Claim window passed',
        detail: 'the claim window for this order line has passed',
      })
    }
    return line
  }

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
   * Free text the other party will read (comments, provided information) is
   * moderated like a chat message. A refused text is recorded on its own
   * transaction (the pool's), so the ledger keeps it.
   */
  private async moderateFreeText(principal: Principal, claim: ClaimRow, body: ActionBody): Promise<void> {
    const text =
      body.action === 'provide_info' ? body.text : MODERATED_COMMENTS.has(body.action) ? body.comment : undefined
    if (!text) return
    await moderateActionText(
      { policy: this.deps.policy, clock: this.deps.clock },
      {
        db: this.deps.db,
        party: { role: actorOf(principal).role, id: principal.id },
        text,
        sellerId: claim.seller_id,
        claimId: claim.id,
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
      if (!current || !this.canSee(principal, current)) throw notFound('claim')
      if (!ACTIONS_BY_ROLE[actor.role].includes(body.action)) {
        throw new DomainError({
          status: 403,
          slug: 'action-forbidden',
          title: 'Action not permitted',
          detail: `a ${principal.role} cannot ${body.action}`,
        })
      }
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw new DomainError({
          status: 409,
          slug: 'stale-version',
          title: 'Claim has changed',
          detail: `expected version ${expectedVersion}, the claim is at version ${current.version}; reload it and retry`,
          extensions: { current_version: current.version },
        })
      }
      return current
    }
    const first = admit(await claimsRepo.findClaim(this.deps.db, id))
    // Parameter rules first: a too-short comment is a 422 on its length, not a moderation verdict.
    // A claim's line total never changes, so the parameters hold for every retry below.
    const params = actionParams(body, principal.role, Number(first.line_total))
    const sanctions = params.type === 'decide' ? params.sanctions : undefined
    await this.moderateFreeText(principal, first, body)
    let prepared: PreparedPhoto[] = []
    if (uploads.length > 0) {
      // Everything that can refuse cheaply is checked before the image work (and again when writing).
      if (body.action !== 'provide_info') throw photosNotAllowed(body.action)
      this.decide(first, actor, params)
      await this.checkPhotoRoom(this.deps.db, first.id, uploads.length)
      prepared = await this.deps.photos.prepare(uploads)
    }
    const row = await compensating(this.deps.photos, prepared, () =>
      this.retryOnConflict(
        first,
        async (current) => {
          if (prepared.length === 0 && !sanctions) return this.applyTransition(this.deps.db, current, actor, params)
          // Photos and sanctions are written with the transition, in one transaction.
          return this.deps.db.transaction().execute(async (tx) => {
            const updated = await this.applyTransition(tx, current, actor, params)
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
    return has_photos ? this.viewOne(claim, principal) : this.view(claim, principal)
  }

  /**
   * Optimistic concurrency: `attempt` decides on the claim as read and writes
   * only if the claim is still at that version (undefined otherwise). Another
   * transition got there first, so read again and decide again — the new
   * state may refuse the action (409), or the caller's expected version no
   * longer match (409 stale-version).
   */
  private async retryOnConflict<T>(
    first: ClaimRow,
    attempt: (current: ClaimRow) => Promise<T | undefined>,
    reread: () => Promise<ClaimRow>,
  ): Promise<T> {
    let current = first
    for (let tries = 1; ; tries++) {
      const done = await attempt(current)
      if (done !== undefined) return done
      if (tries >= MAX_WRITE_ATTEMPTS) {
        throw new DomainError({
          status: 409,
          slug: 'stale-version',
          title: 'Claim has changed',
          detail: 'the claim kept changing while this action was applied; reload it and retry',
          extensions: { current_version: current.version },
        })
      }
      current = await reread()
    }
  }

  /**
   * A deadline firing (workers call this). Idempotent: a deadline that is no
   * longer pending, or that the machine no longer holds, changes nothing.
   */
  async expireDeadline(deadlineId: string): Promise<'applied' | 'stale' | 'not_due'> {
    const read = async () => {
      const found = await claimsRepo.findClaimWithDeadline(this.deps.db, deadlineId)
      if (!found || found.deadline.status !== 'pending') return 'stale' as const
      // Early (clock skew, a re-enqueued job): the caller retries at due_at.
      if (found.deadline.due_at.getTime() > this.deps.clock.now()) return 'not_due' as const
      return found
    }
    let found = await read()
    for (let tries = 1; typeof found !== 'string'; tries++) {
      const { claim, deadline } = found
      const params = { type: 'deadline_expired', kind: deadline.kind } as ClaimEventParams
      const applied = await this.applyTransition(
        this.deps.db,
        claim,
        { role: 'system', id: 'deadline-worker' },
        params,
        deadlineId,
      )
      if (applied) {
        observeDeadlineLateness(deadline.kind, deadline.due_at.getTime(), this.deps.clock.now())
        return 'applied'
      }
      // A transition settled the claim meanwhile: read again; the deadline is most likely no longer pending.
      if (tries >= MAX_WRITE_ATTEMPTS) throw new Error(`deadline ${deadlineId}: the claim kept changing; will retry`)
      found = await read()
    }
    return found
  }

  /**
   * A reminder before a deadline (workers call this): a system message in the
   * claim's thread (the feed turns it into a `deadline.reminder` event), at most once per
   * deadline (reminded_at, under the deadline's row lock).
   */
  async remindDeadline(deadlineId: string): Promise<'sent' | 'stale' | 'not_due'> {
    const now = this.deps.clock.now()
    return this.deps.db.transaction().execute(async (tx) => {
      const deadline = await tx
        .selectFrom('deadlines')
        .select(['id', 'claim_id', 'kind', 'due_at', 'status', 'reminded_at'])
        .where('id', '=', deadlineId)
        .forUpdate()
        .executeTakeFirst()
      if (!deadline || deadline.status !== 'pending' || deadline.reminded_at !== null) return 'stale'
      const dueAt = deadline.due_at.getTime()
      if (dueAt <= now) return 'stale'
      if (dueAt - this.deps.policy.reminder_before > now) return 'not_due'
      const claim = await claimsRepo.findClaim(tx, deadline.claim_id)
      if (!claim) return 'stale'
      const threadId = await ensureThread(
        tx,
        { order_id: claim.order_id, buyer_id: claim.buyer_id, seller_id: claim.seller_id },
        true,
      )
      const payload = {
        claim_id: claim.id,
        deadline_id: deadline.id,
        kind: deadline.kind,
        due_at: deadline.due_at.toISOString(),
      }
      await postMessage(tx, {
        thread_id: threadId,
        sender_role: 'system',
        sender_id: 'claimdesk',
        kind: 'system',
        text: `Reminder: the ${deadline.kind.replaceAll('_', ' ')} deadline passes at ${payload.due_at}.`,
        claim_id: claim.id,
        payload: { ...payload, reminder: true },
        created_at: new Date(now),
      })
      await tx
        .updateTable('deadlines')
        .set({ reminded_at: new Date(now) })
        .where('id', '=', deadline.id)
        .execute()
      return 'sent'
    })
  }

  /**
   * The arbiters' queue (PRODUCT.md §6): escalated claims, overdue first, then
   * priority, then due time. The arbiter_decision deadline is escalated_at plus
   * one policy duration, so escalated_at orders by due time and keeps to the
   * claims_arbiter_queue_idx index.
   */
  async arbiterQueue(
    principal: Principal,
    query: { assignee?: 'me' | 'unassigned'; overdue?: boolean; limit: number; cursor?: string },
  ) {
    if (principal.role !== 'arbiter') {
      throw new DomainError({
        status: 403,
        slug: 'action-forbidden',
        title: 'Action not permitted',
        detail: 'only arbiters read the arbiter queue',
      })
    }
    let q = this.deps.db.selectFrom('claims').selectAll().where('state', '=', 'escalated')
    if (query.assignee === 'me') q = q.where('assignee', '=', principal.id)
    else if (query.assignee === 'unassigned') q = q.where('assignee', 'is', null)
    if (query.overdue !== undefined) q = q.where('overdue', '=', query.overdue)
    if (query.cursor) {
      const c = decodeQueueCursor(this.deps.cursors, query.cursor)
      // Mixed directions (overdue desc, priority desc, escalated_at asc, id asc), so spelled out.
      q = q.where(sql<boolean>`(overdue < ${c.o} or (overdue = ${c.o} and (priority < ${c.p}
        or (priority = ${c.p} and (escalated_at, id) > (${c.e}::timestamptz, ${c.i}::uuid)))))`)
    }
    const rows = await q
      .orderBy('overdue', 'desc')
      .orderBy('priority', 'desc')
      .orderBy('escalated_at', 'asc')
      .orderBy('id', 'asc')
      .limit(query.limit + 1)
      .execute()
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    const more = rows.length > query.limit && last
    return {
      items: await this.views(page, principal),
      next_cursor: more
        ? this.deps.cursors.seal('arbiter-queue', {
            o: last.overdue,
            p: last.priority,
            e: (last.escalated_at ?? last.updated_at).toISOString(),
            i: last.id,
          })
        : null,
    }
  }

  /** The machine's answer to an event on the claim as read, or 409 if the state does not allow it. */
  private decide(current: ClaimRow, actor: Actor, params: ClaimEventParams) {
    const before: ClaimSnapshot = restoreSnapshot(current.snapshot, current.machine_version)
    const event = { ...params, actor, at: this.deps.clock.now(), policy: machinePolicy(this.deps.policy) } as ClaimEvent
    if (!before.can(event)) throw actionNotAllowed(params.type, current.state)
    const after = nextClaimSnapshot(before, event)
    return { before, after, at: event.at }
  }

  /**
   * Decides on the claim as read and writes the result in one statement
   * (transition.repository.ts). Undefined when the claim is no longer at the
   * version read: nothing was written, decide again on a fresh read.
   */
  private async applyTransition(
    db: DbOrTx,
    current: ClaimRow,
    actor: Actor,
    params: ClaimEventParams,
    firedDeadlineId?: string,
  ): Promise<WrittenClaim | undefined> {
    const { before, after, at: now } = this.decide(current, actor, params)
    const from = stateNames(before.value)
    const to = stateNames(after.value)
    const version = current.version + 1
    const ctx = after.context
    const same = (a: Deadline, b: Deadline) => a.kind === b.kind && a.due_at === b.due_at
    return writeTransition(db, {
      claimId: current.id,
      expectedVersion: current.version,
      changes: {
        state: to.state,
        arbiter_status: to.arbiter_status,
        assignee: ctx.arbiter.assignee,
        priority: ctx.arbiter.priority,
        overdue: ctx.arbiter.overdue,
        snapshot: storeSnapshot(after),
        machine_version: MACHINE_VERSION,
        version,
        resolution_type: ctx.resolution?.type ?? null,
        decided_by: ctx.resolution?.decided_by ?? null,
        first_response_at: ctx.first_seller_response_at === null ? null : new Date(ctx.first_seller_response_at),
        escalated_at: to.state === 'escalated' ? (current.escalated_at ?? new Date(now)) : current.escalated_at,
        updated_at: new Date(now),
        closed_at: FINAL_STATES.has(to.state) ? new Date(now) : null,
        next_due_at: nextDue(ctx.deadlines),
      },
      event: {
        claim_id: current.id,
        seq: version,
        actor_role: actor.role,
        actor_id: actor.id,
        action: params.type,
        from_state: from.state,
        to_state: to.state,
        payload: {
          ...params,
          type: undefined,
          ...(from.arbiter_status !== to.arbiter_status ? { arbiter_status: to.arbiter_status } : {}),
        },
        created_at: new Date(now),
      },
      droppedKinds: before.context.deadlines.filter((d) => !ctx.deadlines.some((a) => same(a, d))).map((d) => d.kind),
      ...(firedDeadlineId === undefined ? {} : { firedDeadlineId }),
      addedDeadlines: ctx.deadlines
        .filter((d) => !before.context.deadlines.some((b) => same(b, d)))
        .map((d) => ({ kind: d.kind, due_at: new Date(d.due_at), on_expiry: d.on_expiry })),
      // The feed and webhooks pick the transition up from claim_events (triggers); the chat gets a system message.
      message: {
        sender_role: 'system',
        sender_id: 'claimdesk',
        kind: 'system',
        text: transitionText(params, from.state, to.state, current.currency),
        payload: { claim_id: current.id, action: params.type, from_state: from.state, to_state: to.state, version },
        created_at: new Date(now),
      },
      at: new Date(now),
    })
  }

  private async scheduleDeadlines(tx: Tx, rows: DeadlineRow[]): Promise<void> {
    await enqueueOutbox(
      tx,
      'deadline.schedule',
      rows.map((d) => ({ deadline_id: d.id, claim_id: d.claim_id, kind: d.kind, due_at: d.due_at.toISOString() })),
    )
  }

  /** GET /v1/claims: filters, sorts and cursors live in claims-query.ts. */
  async list(principal: Principal, query: ClaimListQueryInput) {
    const now = new Date(this.deps.clock.now())
    const { rows, next_cursor } = await findClaimPage(this.deps.db, this.deps.cursors, principal, query, now)
    return { items: await this.views(rows, principal), next_cursor }
  }
}

/** Priorities are small policy numbers; the bound keeps a value within Postgres integer. */
const PRIORITY_BOUND = 2 ** 31 - 1

function decodeQueueCursor(cursors: CursorCodec, cursor: string): { o: boolean; p: number; e: string; i: string } {
  const v = cursors.open('arbiter-queue', cursor)
  if (
    typeof v.o === 'boolean' &&
    Number.isSafeInteger(v.p) &&
    Math.abs(v.p as number) <= PRIORITY_BOUND &&
    typeof v.e === 'string' &&
    !Number.isNaN(Date.parse(v.e)) &&
    typeof v.i === 'string' &&
    /^[0-9a-f-]{36}$/i.test(v.i)
  ) {
    return { o: v.o, p: v.p as number, e: v.e, i: v.i }
  }
  throw cursorNotIssued()
}
