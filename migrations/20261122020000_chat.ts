// Chat settings, sellers' official domains, moderation records (blocked
// attempts, flagged messages, the violations ledger), sanctions and abuse
// reports. Frozen in time: takes Kysely<any>, imports no app types.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // One row per seller that changed a default; no row means pre-sale questions are on.
  await db.schema
    .createTable('seller_chat_settings')
    .addColumn('seller_id', 'text', (c) => c.primaryKey())
    .addColumn('presale_questions', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  // Links to these (and their subdomains) pass moderation in the seller's threads.
  await db.schema
    .createTable('seller_official_domains')
    .addColumn('seller_id', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('seller_official_domains_pk', ['seller_id', 'domain'])
    .execute()

  // A refused message (chat or a claim action's free text), kept for arbiters.
  await db.schema
    .createTable('blocked_messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'uuid', (c) => c.references('threads.id').onDelete('cascade'))
    .addColumn('claim_id', 'uuid', (c) => c.references('claims.id').onDelete('cascade'))
    .addColumn('sender_role', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('violations', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('blocked_messages_thread_idx')
    .on('blocked_messages')
    .columns(['thread_id', 'id'])
    .execute()

  // A delivered message the engine was unsure about (verdict `review`).
  await db.schema
    .createTable('message_flags')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('message_id', 'bigint', (c) => c.notNull().unique().references('messages.id').onDelete('cascade'))
    .addColumn('thread_id', 'uuid', (c) => c.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('violations', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('reviewed_by', 'text')
    .execute()
  await sql`create index message_flags_open_idx on message_flags (created_at, id) where status = 'open'`.execute(db)

  // The ledger: one row per violation, with the fine the policy set at the time.
  await db.schema
    .createTable('violations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('party_role', 'text', (c) => c.notNull())
    .addColumn('party_id', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('excerpt', 'text', (c) => c.notNull())
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'uuid', (c) => c.references('threads.id').onDelete('set null'))
    .addColumn('message_id', 'bigint', (c) => c.references('messages.id').onDelete('set null'))
    .addColumn('blocked_message_id', 'bigint', (c) => c.references('blocked_messages.id').onDelete('set null'))
    .addColumn('claim_id', 'uuid', (c) => c.references('claims.id').onDelete('set null'))
    .addColumn('fine_amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('recorded'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('cancelled_by', 'text')
    .addColumn('cancel_reason', 'text')
    .execute()
  await db.schema
    .createIndex('violations_party_idx')
    .on('violations')
    .columns(['party_role', 'party_id', 'created_at'])
    .execute()
  await db.schema.createIndex('violations_created_idx').on('violations').columns(['created_at', 'id']).execute()

  // Chat suspensions (sellers) and claim restrictions (buyers).
  await db.schema
    .createTable('sanctions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('party_role', 'text', (c) => c.notNull())
    .addColumn('party_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('violation_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('reviewed_by', 'text')
    .addColumn('review_comment', 'text')
    .addColumn('ended_at', 'timestamptz')
    .execute()
  // At most one sanction of a kind in force per party.
  await sql`create unique index sanctions_one_active on sanctions (party_role, party_id, kind)
    where status in ('pending_review', 'confirmed')`.execute(db)
  await db.schema.createIndex('sanctions_created_idx').on('sanctions').columns(['created_at', 'id']).execute()

  await db.schema
    .createTable('abuse_reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('thread_id', 'uuid', (c) => c.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('message_id', 'bigint', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('reporter_role', 'text', (c) => c.notNull())
    .addColumn('reporter_id', 'text', (c) => c.notNull())
    .addColumn('reported_role', 'text', (c) => c.notNull())
    .addColumn('reported_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by', 'text')
    .addUniqueConstraint('abuse_reports_once_per_reporter', ['message_id', 'reporter_role', 'reporter_id'])
    .execute()
  await db.schema.createIndex('abuse_reports_created_idx').on('abuse_reports').columns(['created_at', 'id']).execute()

  // The seller's inbox: threads by latest activity.
  await db.schema
    .createIndex('threads_seller_activity_idx')
    .on('threads')
    .columns(['seller_id', 'last_message_at', 'id'])
    .execute()
  await db.schema
    .createIndex('threads_buyer_activity_idx')
    .on('threads')
    .columns(['buyer_id', 'last_message_at', 'id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists threads_buyer_activity_idx`.execute(db)
  await sql`drop index if exists threads_seller_activity_idx`.execute(db)
  for (const table of [
    'abuse_reports',
    'sanctions',
    'violations',
    'message_flags',
    'blocked_messages',
    'seller_official_domains',
    'seller_chat_settings',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
