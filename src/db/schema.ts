// Row types of the tables the migrations create. Kept by hand beside the
// migrations; test/db/schema.test.ts checks them against the live catalogue.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type CreatedAt = ColumnType<Date, Date | string | undefined, never>
/** bigint columns hold money in minor units: pg returns strings, we parse them. */
type Int8 = ColumnType<string, number | bigint | string, number | bigint | string>
type Json<T = unknown> = ColumnType<T, string, string>

export interface OrdersTable {
  id: string
  buyer_id: string
  seller_id: string
  scheme: string
  currency: string
  delivered_at: Timestamp | null
  created_at: CreatedAt
  updated_at: Generated<Date>
}

export interface OrderLinesTable {
  order_id: string
  id: string
  sku: string
  title: string
  quantity: number
  unit_price: Int8
}

export interface ClaimsTable {
  id: Generated<string>
  order_id: string
  line_id: string
  buyer_id: string
  seller_id: string
  sku: string
  scheme: string
  currency: string
  line_total: Int8
  reason: string
  requested_resolution: string
  description: string
  state: string
  arbiter_status: string | null
  assignee: string | null
  priority: Generated<number>
  overdue: Generated<boolean>
  snapshot: Json
  machine_version: number
  version: number
  resolution_type: string | null
  decided_by: string | null
  first_response_at: Timestamp | null
  escalated_at: Timestamp | null
  /** The earliest pending deadline (null when none): written with every transition. */
  next_due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  created_at: CreatedAt
  updated_at: Timestamp
  closed_at: Timestamp | null
}

export interface ClaimEventsTable {
  id: Generated<string>
  claim_id: string
  seq: number
  actor_role: string
  actor_id: string
  action: string
  from_state: string | null
  to_state: string
  payload: Json
  created_at: CreatedAt
}

export interface DeadlinesTable {
  id: Generated<string>
  claim_id: string
  kind: string
  due_at: Timestamp
  on_expiry: string
  status: Generated<'pending' | 'fired' | 'cancelled'>
  claim_version: number
  created_at: CreatedAt
  settled_at: Timestamp | null
  reminded_at: Timestamp | null
  /** When the relay removed the BullMQ jobs of a cancelled deadline. */
  unscheduled_at: Timestamp | null
}

export interface OutboxTable {
  id: Generated<string>
  topic: string
  payload: Json
  created_at: CreatedAt
  available_at: Generated<Date>
  locked_at: Timestamp | null
  attempts: Generated<number>
  last_error: string | null
  processed_at: Timestamp | null
}

export interface ThreadsTable {
  id: Generated<string>
  order_id: string
  buyer_id: string
  seller_id: string
  has_claim: Generated<boolean>
  created_at: CreatedAt
  last_message_at: Generated<Date>
}

export interface MessagesTable {
  id: Generated<string>
  thread_id: string
  sender_role: string
  sender_id: string
  kind: 'text' | 'system' | 'claim_card'
  text: string
  claim_id: string | null
  payload: Generated<unknown>
  created_at: CreatedAt
  /** held and withheld: a `review` verdict under policy moderation_review = hold (docs/moderation.md). */
  status: Generated<MessageStatus>
  released_at: Date | null
  /** The message's place in its thread (its id, or a later value once released). */
  seq: Generated<string>
}

export type MessageStatus = 'delivered' | 'held' | 'withheld'

export interface IdempotencyKeysTable {
  principal: string
  key: string
  request_hash: string
  status_code: number
  content_type: string
  response_body: string
  /** The replayed headers of the stored answer (etag, location), lower-case names. */
  response_headers: Generated<Record<string, string>>
  created_at: CreatedAt
}

export interface SellerChatSettingsTable {
  seller_id: string
  presale_questions: boolean
  updated_at: Generated<Date>
}

/** pending until an arbiter reviews it; only approved domains relax moderation. */
export type OfficialDomainStatus = 'pending' | 'approved' | 'refused'

export interface SellerOfficialDomainsTable {
  id: Generated<string>
  seller_id: string
  domain: string
  status: Generated<OfficialDomainStatus>
  created_at: CreatedAt
  reviewed_at: Date | null
  reviewed_by: string | null
  review_comment: string | null
}

export interface BlockedMessagesTable {
  id: Generated<string>
  source: 'chat' | 'claim_action'
  thread_id: string | null
  claim_id: string | null
  sender_role: string
  sender_id: string
  text: string
  violations: Json
  created_at: CreatedAt
}

export interface MessageFlagsTable {
  id: Generated<string>
  message_id: Int8
  thread_id: string
  violations: Json
  status: Generated<'open' | 'confirmed' | 'dismissed'>
  created_at: CreatedAt
  reviewed_at: Timestamp | null
  reviewed_by: string | null
}

export interface ViolationsTable {
  id: Generated<string>
  party_role: string
  party_id: string
  rule: string
  excerpt: string
  hint: string
  /** Where the violation was found; `arbiter_decision` for a fine an arbiter's decision imposed. */
  source: 'chat' | 'claim_action' | 'arbiter_decision'
  thread_id: string | null
  message_id: Int8 | null
  blocked_message_id: Int8 | null
  claim_id: string | null
  fine_amount: Int8
  currency: string
  status: Generated<'recorded' | 'cancelled'>
  created_at: CreatedAt
  cancelled_at: Timestamp | null
  cancelled_by: string | null
  cancel_reason: string | null
}

export interface SanctionsTable {
  id: Generated<string>
  party_role: string
  party_id: string
  kind: 'chat_suspension' | 'claim_restriction'
  status: 'pending_review' | 'confirmed' | 'cancelled' | 'lifted'
  reason: string
  violation_count: number
  created_at: CreatedAt
  reviewed_at: Timestamp | null
  reviewed_by: string | null
  review_comment: string | null
  ended_at: Timestamp | null
}

export interface AbuseReportsTable {
  id: Generated<string>
  thread_id: string
  message_id: Int8
  reporter_role: string
  reporter_id: string
  reported_role: string
  reported_id: string
  reason: string | null
  status: Generated<'open' | 'upheld' | 'dismissed'>
  created_at: CreatedAt
  closed_at: Timestamp | null
  closed_by: string | null
}

export interface PhotosTable {
  id: string
  /** The claim the photo is evidence for; null for a photo in a pre-sale chat thread. */
  claim_id: string | null
  /** The chat message that carried it; null for claim and action uploads. At least one of the two is set (a CHECK). */
  message_id: Int8 | null
  uploader_role: string
  uploader_id: string
  sha256: string
  phash: string
  /** Multi-index hashing keys of the dHash (band << 16 | 16-bit value), GIN-indexed. */
  phash_keys: number[]
  format: string
  mime: string
  source_format: string
  full_key: string
  full_width: number
  full_height: number
  full_bytes: number
  preview_key: string
  preview_width: number
  preview_height: number
  preview_bytes: number
  thumb_key: string
  thumb_width: number
  thumb_height: number
  thumb_bytes: number
  position: number
  created_at: CreatedAt
}

export interface PhotoReuseTable {
  photo_id: string
  other_photo_id: string
  distance: number
  created_at: CreatedAt
}

/**
 * Written by triggers only (migrations/20261122050000_feed_webhooks.ts), partitioned by month of created_at
 * (migrations/20261206100000_feed_partitions.ts). xid8 comes back as a string.
 */
export interface FeedEventsTable {
  id: Generated<string>
  txid: Generated<string>
  type: string
  claim_id: string | null
  thread_id: string | null
  buyer_id: string | null
  seller_id: string | null
  source_id: string
  data: Json<Record<string, unknown>>
  occurred_at: Timestamp
  created_at: CreatedAt
}

/** One row (migrations/20261122090000_feed_retention.ts): events at or before this position may be pruned. */
export interface FeedPrunedTable {
  singleton: Generated<boolean>
  txid: string
  event_id: string
  pruned_at: Generated<Date>
}

export interface WebhooksTable {
  id: Generated<string>
  owner_role: 'seller' | 'service'
  owner_id: string
  url: string
  event_types: string[]
  secret: string
  status: Generated<'active' | 'disabled'>
  disabled_reason: string | null
  disabled_at: Timestamp | null
  consecutive_failures: Generated<number>
  cursor_txid: string
  cursor_id: Generated<string>
  created_at: CreatedAt
  updated_at: Generated<Date>
}

export interface WebhookDeliveriesTable {
  id: Generated<string>
  webhook_id: string
  feed_event_id: Int8
  event_type: string
  status: Generated<'pending' | 'succeeded' | 'failed' | 'cancelled'>
  attempts: Generated<number>
  replays: Generated<number>
  started_at: Generated<Date>
  enqueued_at: Timestamp | null
  last_status_code: number | null
  last_error: string | null
  completed_at: Timestamp | null
  created_at: CreatedAt
  updated_at: Generated<Date>
  /** The event's created_at: the partition key (migrations/20261206100000_feed_partitions.ts). */
  event_created_at: Timestamp
}

export interface WebhookAttemptsTable {
  id: Generated<string>
  delivery_id: Int8
  attempt: number
  status_code: number | null
  duration_ms: number
  error: string | null
  created_at: CreatedAt
  /** The delivery's partition key, so an attempt lives in its delivery's month. */
  event_created_at: Timestamp
}

export interface Database {
  orders: OrdersTable
  order_lines: OrderLinesTable
  claims: ClaimsTable
  claim_events: ClaimEventsTable
  deadlines: DeadlinesTable
  outbox: OutboxTable
  threads: ThreadsTable
  messages: MessagesTable
  idempotency_keys: IdempotencyKeysTable
  seller_chat_settings: SellerChatSettingsTable
  seller_official_domains: SellerOfficialDomainsTable
  blocked_messages: BlockedMessagesTable
  message_flags: MessageFlagsTable
  violations: ViolationsTable
  sanctions: SanctionsTable
  abuse_reports: AbuseReportsTable
  photos: PhotosTable
  photo_reuse: PhotoReuseTable
  feed_events: FeedEventsTable
  feed_pruned: FeedPrunedTable
  webhooks: WebhooksTable
  webhook_deliveries: WebhookDeliveriesTable
  webhook_attempts: WebhookAttemptsTable
}

export type ClaimRow = Selectable<ClaimsTable>
export type NewClaimRow = Insertable<ClaimsTable>
export type OrderRow = Selectable<OrdersTable>
export type OrderLineRow = Selectable<OrderLinesTable>
export type PhotoRow = Selectable<PhotosTable>
