// Webhook subscriptions (docs/integrations.md), the API side: register (the secret
// is shown once), list, delete, the delivery log, and replay. Deliveries are
// created and sent by the workers (src/domain/webhooks/dispatch.ts and
// deliver.ts, started by workers/webhooks.ts).
import { requireRole } from '../../auth/require-role.js'
import type { Db } from '../../db/database.js'
import type { Principal } from '../../auth/principal.js'
import { notFound, validation } from '../../shared/errors.js'
import { deliveryInProgress, eventExpired, urlRefused, webhookDisabled } from './errors.js'
import { currentHead } from '../feed/feed.repository.js'
import type { CursorCodec } from '../../shared/cursor.js'
import { WEBHOOK_EVENT_TYPES } from '../feed/event-types.js'
import { newWebhookSecret } from './signing.js'
import { holdReplayLock } from '../feed/retention.repository.js'
import { checkWebhookUrl, UnsafeUrlError } from './url-safety.js'
import {
  attemptsOf,
  deliveriesPage,
  deliveryReplayState,
  reopenDelivery,
  type AttemptRow,
  type DeliveryRow,
  type DeliveryStatus,
} from './deliveries.repository.js'
import {
  countOwnedWebhooks,
  deleteWebhook,
  findOwnedWebhook,
  insertWebhook,
  listOwnedWebhooks,
  lockOwnerRegistrations,
  type WebhookOwner,
  type WebhookRow,
} from './webhooks.repository.js'

export const WEBHOOKS_PER_OWNER_MAX = 20

export interface WebhooksServiceDeps {
  db: Db
  /** Allow private, loopback and link-local targets; default: WEBHOOK_ALLOW_PRIVATE=true in the environment. */
  allowPrivate: boolean
  cursors: CursorCodec
}

export function webhookView(w: WebhookRow) {
  return {
    id: w.id,
    url: w.url,
    event_types: w.event_types,
    status: w.status,
    disabled_reason: w.disabled_reason,
    disabled_at: w.disabled_at ? new Date(w.disabled_at).toISOString() : null,
    consecutive_failures: w.consecutive_failures,
    created_at: new Date(w.created_at).toISOString(),
  }
}

export function deliveryView(d: DeliveryRow, attempts: AttemptRow[]) {
  return {
    id: d.id,
    event_id: String(d.feed_event_id),
    event_type: d.event_type,
    status: d.status,
    attempt_count: d.attempts,
    replays: d.replays,
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    created_at: new Date(d.created_at).toISOString(),
    completed_at: d.completed_at ? new Date(d.completed_at).toISOString() : null,
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      status_code: a.status_code,
      duration_ms: a.duration_ms,
      error: a.error,
      at: new Date(a.created_at).toISOString(),
    })),
  }
}

export class WebhooksService {
  private readonly allowPrivate: boolean

  constructor(private readonly deps: WebhooksServiceDeps) {
    this.allowPrivate = deps.allowPrivate
  }

  private owner(principal: Principal): WebhookOwner {
    const owner = requireRole(principal, ['seller', 'service'], 'only sellers and the service have webhooks')
    return { role: owner.role, id: owner.id }
  }

  private async own(principal: Principal, id: string): Promise<WebhookRow> {
    const owner = this.owner(principal)
    const row = await findOwnedWebhook(this.deps.db, owner, id)
    if (!row) throw notFound('webhook')
    return row
  }

  /** Registers a subscription starting at the feed's current head; the secret is returned this once. */
  async register(principal: Principal, input: { url: string; event_types: string[] }) {
    const owner = this.owner(principal)
    let url: URL
    try {
      url = await checkWebhookUrl(input.url.trim(), { allowPrivate: this.allowPrivate })
    } catch (err) {
      if (err instanceof UnsafeUrlError) throw urlRefused(err.message)
      throw err
    }
    const types = [...new Set(input.event_types)]
    const unknown = types.filter((t) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(t))
    if (unknown.length > 0)
      throw validation(`unknown event types: ${unknown.join(', ')}`, {
        field: 'event_types',
        allowed: WEBHOOK_EVENT_TYPES,
      })
    const secret = newWebhookSecret()
    const row = await this.deps.db.transaction().execute(async (tx) => {
      await lockOwnerRegistrations(tx, owner)
      if ((await countOwnedWebhooks(tx, owner)) >= WEBHOOKS_PER_OWNER_MAX) {
        throw validation(`at most ${WEBHOOKS_PER_OWNER_MAX} webhooks per owner; delete one first`, { field: 'url' })
      }
      return insertWebhook(tx, {
        owner,
        url: url.toString(),
        eventTypes: types.includes('*') ? ['*'] : types,
        secret,
        cursor: await currentHead(tx),
      })
    })
    return { ...webhookView(row), secret }
  }

  async list(principal: Principal) {
    const owner = this.owner(principal)
    const rows = await listOwnedWebhooks(this.deps.db, owner)
    return { items: rows.map(webhookView) }
  }

  async get(principal: Principal, id: string) {
    return webhookView(await this.own(principal, id))
  }

  /** Deletes the subscription and its log; queued deliveries find it gone and do nothing. */
  async remove(principal: Principal, id: string): Promise<void> {
    const row = await this.own(principal, id)
    await deleteWebhook(this.deps.db, row.id)
  }

  /** The delivery log, newest first, each delivery with its attempts. */
  async deliveries(
    principal: Principal,
    id: string,
    query: { limit: number; cursor?: string | undefined; status?: string | undefined },
  ) {
    const hook = await this.own(principal, id)
    const rows = await deliveriesPage(this.deps.db, hook.id, {
      limit: query.limit + 1,
      status: query.status as DeliveryStatus | undefined,
      beforeId: query.cursor ? this.deps.cursors.openId('webhook-deliveries', query.cursor) : undefined,
    })
    const page = rows.slice(0, query.limit)
    const attempts = await this.attemptsOf(page.map((d) => d.id))
    const last = page.at(-1)
    return {
      items: page.map((d) => deliveryView(d, attempts.get(d.id) ?? [])),
      next_cursor: rows.length > query.limit && last ? this.deps.cursors.sealId('webhook-deliveries', last.id) : null,
    }
  }

  private async attemptsOf(deliveryIds: string[]): Promise<Map<string, AttemptRow[]>> {
    const out = new Map<string, AttemptRow[]>()
    if (deliveryIds.length === 0) return out
    const rows = await attemptsOf(this.deps.db, deliveryIds)
    for (const a of rows) {
      const key = String(a.delivery_id)
      out.set(key, [...(out.get(key) ?? []), a])
    }
    return out
  }

  /**
   * Sends a finished delivery again (a new run with its own attempts and
   * backoff); the workers pick it up. 409 while it is still being tried or
   * when the webhook is disabled; 410 once its event has been pruned.
   */
  async replay(principal: Principal, id: string, deliveryId: string) {
    const hook = await this.own(principal, id)
    if (hook.status !== 'active') {
      throw webhookDisabled(hook.disabled_reason)
    }
    if (!/^\d{1,19}$/.test(deliveryId)) throw notFound('delivery')
    const updated = await this.deps.db.transaction().execute(async (tx) => {
      await holdReplayLock(tx)
      return reopenDelivery(tx, hook.id, deliveryId)
    })
    if (!updated) {
      const existing = await deliveryReplayState(this.deps.db, hook.id, deliveryId)
      if (!existing) throw notFound('delivery')
      if (!existing.event_kept) {
        throw eventExpired()
      }
      throw deliveryInProgress()
    }
    const attempts = await this.attemptsOf([updated.id])
    return deliveryView(updated, attempts.get(updated.id) ?? [])
  }
}
