// Retention of the event feed and the webhook delivery log (policy
// feed_retention; pruned by the workers' housekeeping, src/domain/feed/retention.ts).
//
// feed_pruned holds one row: the feed position at or before which events may
// have been deleted. A feed cursor below it has lost events and is refused
// (410 cursor-expired) instead of silently skipping them.
// Frozen in time: takes Kysely<any>, imports no app types.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table feed_pruned (
    singleton boolean primary key default true check (singleton),
    txid xid8 not null,
    event_id bigint not null,
    pruned_at timestamptz not null default now())`.execute(db)
  // A pending delivery keeps its event; finished deliveries are pruned by age.
  await sql`create index webhook_deliveries_pending_event_idx on webhook_deliveries (feed_event_id) where status = 'pending'`.execute(
    db,
  )
  await sql`create index webhook_deliveries_finished_idx on webhook_deliveries (completed_at) where status <> 'pending'`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists webhook_deliveries_finished_idx`.execute(db)
  await sql`drop index if exists webhook_deliveries_pending_event_idx`.execute(db)
  await sql`drop table if exists feed_pruned`.execute(db)
}
