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
}

export interface IdempotencyKeysTable {
  principal: string
  key: string
  request_hash: string
  status_code: number
  content_type: string
  response_body: string
  created_at: CreatedAt
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
}

export type ClaimRow = Selectable<ClaimsTable>
export type NewClaimRow = Insertable<ClaimsTable>
export type OrderRow = Selectable<OrdersTable>
export type OrderLineRow = Selectable<OrderLinesTable>
