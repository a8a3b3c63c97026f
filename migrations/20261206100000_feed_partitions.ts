// The event feed and the webhook delivery log become range partitions by
// month (docs/growth.md), so that retention drops a month instead of deleting
// its rows. Frozen in time: takes Kysely<any>, imports no app types.
//
// - feed_events is partitioned on created_at; its primary key becomes
//   (id, created_at). Nothing references it by key.
// - webhook_deliveries and webhook_attempts are partitioned on the created_at
//   of the delivery's feed event (event_created_at), so a month of the log
//   lines up with a month of the feed, and the "once" key
//   (webhook_id, feed_event_id, event_created_at) still means once per event:
//   an event has one created_at, and dispatch copies it from the event.
// - Attempts link to their delivery inside the month: each attempts partition
//   has a foreign key to the deliveries partition of the same month. A
//   foreign key between the partitioned parents would make detaching a month
//   of deliveries scan every attempt of every other month under an exclusive
//   lock.
// - Each table has a default partition, so an insert never fails for lack of
//   a month; create_month_partitions() makes a month's three partitions (the
//   migration makes them for the rows it moves and two months ahead, the
//   workers' housekeeping keeps two months ahead).
// Rows keep their ids and the sequences keep counting.
import { sql, type Kysely } from 'kysely'

const MONTHS_AHEAD = 2

// The columns of the plain tables (but their ids and keys), kept as they were on both sides.
const FEED_COLUMNS = sql.raw(`
  txid xid8 not null default pg_current_xact_id(),
  type text not null,
  claim_id uuid,
  thread_id uuid,
  buyer_id text,
  seller_id text,
  source_id text not null,
  data jsonb not null,
  occurred_at timestamptz not null,
  created_at timestamptz not null default now()`)
const DELIVERY_COLUMNS = sql.raw(`
  webhook_id uuid not null references webhooks (id) on delete cascade,
  feed_event_id bigint not null,
  event_type text not null,
  status text not null default 'pending',
  attempts integer not null default 0,
  replays integer not null default 0,
  started_at timestamptz not null default now(),
  enqueued_at timestamptz,
  last_status_code integer,
  last_error text,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()`)
const ATTEMPT_COLUMNS = sql.raw(`
  attempt integer not null,
  status_code integer,
  duration_ms integer not null,
  error text,
  created_at timestamptz not null default now()`)

const createMonthPartitions = sql`
  create function create_month_partitions(month timestamptz) returns integer language plpgsql as $$
  declare
    lo timestamptz := date_trunc('month', month, 'UTC');
    hi timestamptz := ((date_trunc('month', month, 'UTC') at time zone 'UTC') + interval '1 month') at time zone 'UTC';
    suffix text := to_char(date_trunc('month', month, 'UTC') at time zone 'UTC', 'YYYY_MM');
    made integer := 0;
  begin
    if to_regclass('feed_events_' || suffix) is null then
      execute format('create table %I partition of feed_events for values from (%L) to (%L)',
        'feed_events_' || suffix, lo, hi);
      made := made + 1;
    end if;
    if to_regclass('webhook_deliveries_' || suffix) is null then
      execute format('create table %I partition of webhook_deliveries for values from (%L) to (%L)',
        'webhook_deliveries_' || suffix, lo, hi);
      made := made + 1;
    end if;
    if to_regclass('webhook_attempts_' || suffix) is null then
      execute format('create table %I partition of webhook_attempts for values from (%L) to (%L)',
        'webhook_attempts_' || suffix, lo, hi);
      execute format('alter table %I add constraint %I foreign key (delivery_id, event_created_at)
        references %I (id, event_created_at) on delete cascade',
        'webhook_attempts_' || suffix, 'webhook_attempts_' || suffix || '_delivery_fkey', 'webhook_deliveries_' || suffix);
      made := made + 1;
    end if;
    return made;
  end $$`

export async function up(db: Kysely<any>): Promise<void> {
  // The old tables step aside with their keys and indexes dropped, so the new ones can take every name.
  await setAside(db, 'unpartitioned')
  await sql`alter table webhook_attempts_unpartitioned drop constraint webhook_attempts_delivery_id_fkey`.execute(db)
  await sql`alter table webhook_attempts_unpartitioned drop constraint webhook_attempts_pkey`.execute(db)
  await dropIndexes(db)
  await sql`alter table webhook_deliveries_unpartitioned drop constraint webhook_deliveries_pkey,
    drop constraint webhook_deliveries_once, drop constraint webhook_deliveries_webhook_id_fkey`.execute(db)
  await sql`alter table feed_events_unpartitioned drop constraint feed_events_pkey`.execute(db)

  await sql`create table feed_events (
    id bigint not null default nextval('feed_events_id_seq'),
    ${FEED_COLUMNS},
    primary key (id, created_at)
  ) partition by range (created_at)`.execute(db)
  await sql`create table webhook_deliveries (
    id bigint not null default nextval('webhook_deliveries_id_seq'),
    ${DELIVERY_COLUMNS},
    event_created_at timestamptz not null,
    primary key (id, event_created_at),
    constraint webhook_deliveries_once unique (webhook_id, feed_event_id, event_created_at)
  ) partition by range (event_created_at)`.execute(db)
  await sql`create table webhook_attempts (
    id bigint not null default nextval('webhook_attempts_id_seq'),
    delivery_id bigint not null,
    ${ATTEMPT_COLUMNS},
    event_created_at timestamptz not null,
    primary key (id, event_created_at)
  ) partition by range (event_created_at)`.execute(db)
  await sql`alter sequence feed_events_id_seq owned by feed_events.id`.execute(db)
  await sql`alter sequence webhook_deliveries_id_seq owned by webhook_deliveries.id`.execute(db)
  await sql`alter sequence webhook_attempts_id_seq owned by webhook_attempts.id`.execute(db)

  await sql`create table feed_events_default partition of feed_events default`.execute(db)
  await sql`create table webhook_deliveries_default partition of webhook_deliveries default`.execute(db)
  await sql`create table webhook_attempts_default partition of webhook_attempts default`.execute(db)
  await sql`alter table webhook_attempts_default add constraint webhook_attempts_default_delivery_fkey
    foreign key (delivery_id, event_created_at) references webhook_deliveries_default (id, event_created_at)
    on delete cascade`.execute(db)
  await createMonthPartitions.execute(db)
  // Every month that has rows, through two months ahead.
  await sql`
    select create_month_partitions(m)
    from generate_series(
      date_trunc('month', least(now(),
        (select min(created_at) from feed_events_unpartitioned),
        (select min(created_at) from webhook_deliveries_unpartitioned)), 'UTC') at time zone 'UTC',
      (date_trunc('month', now(), 'UTC') at time zone 'UTC') + ${MONTHS_AHEAD} * interval '1 month',
      interval '1 month') as months(month),
      lateral (select month at time zone 'UTC' as m) utc`.execute(db)

  await sql`insert into feed_events select * from feed_events_unpartitioned`.execute(db)
  // A delivery whose event was pruned takes its own creation time: the event cannot be dispatched again.
  await sql`insert into webhook_deliveries
    select d.*, coalesce(f.created_at, d.created_at)
    from webhook_deliveries_unpartitioned d left join feed_events f on f.id = d.feed_event_id`.execute(db)
  await sql`insert into webhook_attempts
    select a.*, d.event_created_at
    from webhook_attempts_unpartitioned a join webhook_deliveries d on d.id = a.delivery_id`.execute(db)
  await sql`drop table webhook_attempts_unpartitioned, webhook_deliveries_unpartitioned, feed_events_unpartitioned`.execute(
    db,
  )

  // The indexes of the tables they replace, built once the rows are in.
  await createIndexes(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await setAside(db, 'partitioned')
  // Partitioned indexes and keys go with their tables at the end; their names are needed now.
  await sql`alter table webhook_attempts_partitioned drop constraint webhook_attempts_pkey`.execute(db)
  await dropIndexes(db)
  await sql`alter table webhook_deliveries_partitioned drop constraint webhook_deliveries_once,
    drop constraint webhook_deliveries_webhook_id_fkey`.execute(db)
  // Kept (the attempts' partitions reference it) but renamed.
  await sql`alter index webhook_deliveries_pkey rename to webhook_deliveries_partitioned_pkey`.execute(db)
  await sql`alter table feed_events_partitioned drop constraint feed_events_pkey`.execute(db)

  await sql`create table feed_events (
    id bigint primary key default nextval('feed_events_id_seq'),
    ${FEED_COLUMNS})`.execute(db)
  await sql`create table webhook_deliveries (
    id bigint primary key default nextval('webhook_deliveries_id_seq'),
    ${DELIVERY_COLUMNS},
    constraint webhook_deliveries_once unique (webhook_id, feed_event_id))`.execute(db)
  await sql`create table webhook_attempts (
    id bigint primary key default nextval('webhook_attempts_id_seq'),
    delivery_id bigint not null references webhook_deliveries (id) on delete cascade,
    ${ATTEMPT_COLUMNS})`.execute(db)
  await sql`alter sequence feed_events_id_seq owned by feed_events.id`.execute(db)
  await sql`alter sequence webhook_deliveries_id_seq owned by webhook_deliveries.id`.execute(db)
  await sql`alter sequence webhook_attempts_id_seq owned by webhook_attempts.id`.execute(db)

  await sql`insert into feed_events
    select id, txid, type, claim_id, thread_id, buyer_id, seller_id, source_id, data, occurred_at, created_at
    from feed_events_partitioned`.execute(db)
  await sql`insert into webhook_deliveries
    select id, webhook_id, feed_event_id, event_type, status, attempts, replays, started_at, enqueued_at,
      last_status_code, last_error, completed_at, created_at, updated_at
    from webhook_deliveries_partitioned`.execute(db)
  await sql`insert into webhook_attempts
    select id, delivery_id, attempt, status_code, duration_ms, error, created_at from webhook_attempts_partitioned`.execute(
    db,
  )
  await sql`drop table webhook_attempts_partitioned, webhook_deliveries_partitioned, feed_events_partitioned`.execute(
    db,
  )
  await sql`drop function create_month_partitions(timestamptz)`.execute(db)

  await createIndexes(db)
}

/** The indexes the app relies on, the same on the plain and the partitioned tables. */
async function createIndexes(db: Kysely<any>): Promise<void> {
  await sql`create index feed_events_order_idx on feed_events (txid, id)`.execute(db)
  await sql`create index feed_events_seller_idx on feed_events (seller_id, txid, id) where seller_id is not null`.execute(
    db,
  )
  await sql`create index feed_events_buyer_idx on feed_events (buyer_id, txid, id) where buyer_id is not null`.execute(
    db,
  )
  await sql`create index webhook_deliveries_log_idx on webhook_deliveries (webhook_id, id desc)`.execute(db)
  await sql`create index webhook_deliveries_to_enqueue_idx on webhook_deliveries (id)
    where status = 'pending' and enqueued_at is null`.execute(db)
  await sql`create index webhook_deliveries_pending_idx on webhook_deliveries (updated_at) where status = 'pending'`.execute(
    db,
  )
  await sql`create index webhook_deliveries_pending_event_idx on webhook_deliveries (feed_event_id)
    where status = 'pending'`.execute(db)
  await sql`create index webhook_deliveries_finished_idx on webhook_deliveries (completed_at)
    where status <> 'pending'`.execute(db)
  await sql`create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id, id)`.execute(db)
}

/** Renames the three tables to `<table>_<suffix>`, making way for their replacements. */
async function setAside(db: Kysely<any>, suffix: string): Promise<void> {
  for (const table of ['webhook_attempts', 'webhook_deliveries', 'feed_events'])
    await sql`alter table ${sql.table(table)} rename to ${sql.table(`${table}_${suffix}`)}`.execute(db)
}

async function dropIndexes(db: Kysely<any>): Promise<void> {
  await sql`drop index webhook_attempts_delivery_idx, webhook_deliveries_log_idx, webhook_deliveries_to_enqueue_idx,
    webhook_deliveries_pending_idx, webhook_deliveries_pending_event_idx, webhook_deliveries_finished_idx,
    feed_events_order_idx, feed_events_seller_idx, feed_events_buyer_idx`.execute(db)
}
