// The event feed (docs/integrations.md) and webhook subscriptions, deliveries and
// their attempt log. Frozen in time: takes Kysely<any>, imports no app types.
//
// feed_events is written only by triggers, inside the transaction that writes
// the source row (a claim event, a party's chat message, a deadline reminder,
// a violation), so the feed cannot miss or invent an event. Each row carries
// the writing transaction's id (txid). Readers return only rows whose txid is
// below feed_horizon(), the xmin of their snapshot among this database's
// transactions: every such transaction has finished, and every transaction
// still running or yet to start has a txid ≥ it, so a reader paging by
// (txid, id) never passes a row that commits later.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('feed_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('txid', sql`xid8`, (c) => c.notNull().defaultTo(sql`pg_current_xact_id()`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('claim_id', 'uuid')
    .addColumn('thread_id', 'uuid')
    // Who may see the event (besides arbiters and the service): null for nobody of that role.
    .addColumn('buyer_id', 'text')
    .addColumn('seller_id', 'text')
    .addColumn('source_id', 'text', (c) => c.notNull())
    // The facts as written (buyer ids included); readers shape them per caller.
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create index feed_events_order_idx on feed_events (txid, id)`.execute(db)
  // The horizon readers stop at: the snapshot's xmin, except that transactions
  // positively known to run in another database (they cannot write this
  // table) do not hold it back. Anything not known (a transaction that ended
  // since the snapshot, a session whose details we may not read, a prepared
  // transaction) still does. Stable: it sees the calling statement's snapshot.
  // pg_stat_get_activity is pg_stat_activity without its joins.
  await sql`
    create function feed_horizon() returns xid8 language sql stable as $$
      select coalesce(
        (select min(x) from pg_snapshot_xip(pg_current_snapshot()) as x
         where not exists (
           select 1 from pg_stat_get_activity(null) a
           where a.backend_xid = x::xid and a.datid is not null
             and a.datid <> (select oid from pg_database where datname = current_database()))),
        pg_snapshot_xmax(pg_current_snapshot()))
    $$`.execute(db)
  await sql`create index feed_events_seller_idx on feed_events (seller_id, txid, id) where seller_id is not null`.execute(
    db,
  )
  await sql`create index feed_events_buyer_idx on feed_events (buyer_id, txid, id) where buyer_id is not null`.execute(
    db,
  )

  await sql`
    create function feed_from_claim_event() returns trigger language plpgsql as $$
    declare c record;
    begin
      select buyer_id, seller_id, order_id into c from claims where id = new.claim_id;
      insert into feed_events (type, claim_id, buyer_id, seller_id, source_id, data, occurred_at)
      values ('claim.event', new.claim_id, c.buyer_id, c.seller_id, new.id::text,
        jsonb_build_object('claim_id', new.claim_id, 'order_id', c.order_id, 'seq', new.seq, 'action', new.action,
          'from_state', new.from_state, 'to_state', new.to_state, 'actor_role', new.actor_role,
          'actor_id', new.actor_id, 'payload', new.payload),
        new.created_at);
      return null;
    end $$`.execute(db)
  await sql`create trigger claim_events_feed after insert on claim_events
    for each row execute function feed_from_claim_event()`.execute(db)

  // Party messages become chat.message; reminder system messages deadline.reminder.
  // Claim cards and transition notices mirror claim.event and are left out.
  await sql`
    create function feed_from_message() returns trigger language plpgsql as $$
    declare t record; kind text; body jsonb;
    begin
      if new.kind = 'text' then
        kind := 'chat.message';
      elsif new.kind = 'system' and coalesce(new.payload->>'reminder', '') = 'true' then
        kind := 'deadline.reminder';
      else
        return null;
      end if;
      select buyer_id, seller_id, order_id into t from threads where id = new.thread_id;
      if kind = 'chat.message' then
        body := jsonb_build_object('message_id', new.id::text, 'thread_id', new.thread_id, 'order_id', t.order_id,
          'claim_id', new.claim_id, 'sender_role', new.sender_role, 'sender_id', new.sender_id, 'text', new.text);
      else
        body := (new.payload - 'reminder') || jsonb_build_object('message_id', new.id::text, 'thread_id', new.thread_id,
          'order_id', t.order_id, 'text', new.text);
      end if;
      insert into feed_events (type, claim_id, thread_id, buyer_id, seller_id, source_id, data, occurred_at)
      values (kind, new.claim_id, new.thread_id, t.buyer_id, t.seller_id, new.id::text, body, new.created_at);
      return null;
    end $$`.execute(db)
  await sql`create trigger messages_feed after insert on messages
    for each row execute function feed_from_message()`.execute(db)

  // A violation is the offending party's business (and arbiters', and the service's).
  await sql`
    create function feed_from_violation() returns trigger language plpgsql as $$
    declare kind text; at timestamptz;
    begin
      if tg_op = 'INSERT' then
        kind := 'violation.recorded'; at := new.created_at;
      elsif old.status is distinct from new.status and new.status = 'cancelled' then
        kind := 'violation.cancelled'; at := coalesce(new.cancelled_at, now());
      else
        return null;
      end if;
      insert into feed_events (type, claim_id, thread_id, buyer_id, seller_id, source_id, data, occurred_at)
      values (kind, new.claim_id, new.thread_id,
        case when new.party_role = 'buyer' then new.party_id end,
        case when new.party_role = 'seller' then new.party_id end,
        new.id::text,
        jsonb_build_object('violation_id', new.id, 'party_role', new.party_role, 'party_id', new.party_id,
          'rule', new.rule, 'excerpt', new.excerpt, 'hint', new.hint, 'source', new.source,
          'thread_id', new.thread_id, 'claim_id', new.claim_id, 'message_id', new.message_id::text,
          'fine_amount', new.fine_amount, 'currency', new.currency, 'status', new.status,
          'cancel_reason', new.cancel_reason),
        at);
      return null;
    end $$`.execute(db)
  await sql`create trigger violations_feed after insert or update of status on violations
    for each row execute function feed_from_violation()`.execute(db)

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('owner_role', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('event_types', sql`text[]`, (c) => c.notNull())
    // Needed in clear to sign; shown to the owner once, at registration.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('disabled_reason', 'text')
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    // The feed position up to which deliveries exist.
    .addColumn('cursor_txid', sql`xid8`, (c) => c.notNull())
    .addColumn('cursor_id', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('webhooks_owner_idx')
    .on('webhooks')
    .columns(['owner_role', 'owner_id', 'created_at'])
    .execute()
  await sql`create index webhooks_active_idx on webhooks (id) where status = 'active'`.execute(db)

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('webhook_id', 'uuid', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('feed_event_id', 'bigint', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    // pending | succeeded | failed | cancelled
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('replays', 'integer', (c) => c.notNull().defaultTo(0))
    // When the current run (first try or a replay) started: webhook_max_age counts from here.
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Set once the job of the current run is in BullMQ (outbox style); null means: enqueue it.
    .addColumn('enqueued_at', 'timestamptz')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('webhook_deliveries_once', ['webhook_id', 'feed_event_id'])
    .execute()
  await sql`create index webhook_deliveries_log_idx on webhook_deliveries (webhook_id, id desc)`.execute(db)
  await sql`create index webhook_deliveries_to_enqueue_idx on webhook_deliveries (id)
    where status = 'pending' and enqueued_at is null`.execute(db)
  await sql`create index webhook_deliveries_pending_idx on webhook_deliveries (updated_at)
    where status = 'pending'`.execute(db)

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('delivery_id', 'bigint', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('webhook_attempts_delivery_idx')
    .on('webhook_attempts')
    .columns(['delivery_id', 'id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_attempts').ifExists().execute()
  await db.schema.dropTable('webhook_deliveries').ifExists().execute()
  await db.schema.dropTable('webhooks').ifExists().execute()
  await sql`drop trigger if exists violations_feed on violations`.execute(db)
  await sql`drop trigger if exists messages_feed on messages`.execute(db)
  await sql`drop trigger if exists claim_events_feed on claim_events`.execute(db)
  await sql`drop function if exists feed_from_violation()`.execute(db)
  await sql`drop function if exists feed_from_message()`.execute(db)
  await sql`drop function if exists feed_from_claim_event()`.execute(db)
  await sql`drop function if exists feed_horizon()`.execute(db)
  await db.schema.dropTable('feed_events').ifExists().execute()
}
