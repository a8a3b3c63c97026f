// Indexes and a column for the deadline workers. Frozen in time: takes
// Kysely<any>, imports no app types.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // When the relay removed the BullMQ jobs of a cancelled deadline.
  await db.schema.alterTable('deadlines').addColumn('unscheduled_at', 'timestamptz').execute()
  // Only the cancelled deadlines whose jobs are still to remove: stays tiny.
  await sql`create index deadlines_unschedule_idx on deadlines (id)
    where status = 'cancelled' and unscheduled_at is null`.execute(db)
  // The sweeper's look-ahead for reminders still to send.
  await sql`create index deadlines_unreminded_due_idx on deadlines (due_at)
    where status = 'pending' and reminded_at is null`.execute(db)
  // The relay reads one topic; rows of other topics must not slow it down.
  await sql`create index outbox_deadline_schedule_idx on outbox (available_at, id)
    where processed_at is null and topic = 'deadline.schedule'`.execute(db)
  // Pruning delivered rows in bounded batches.
  await sql`create index outbox_processed_idx on outbox (processed_at) where processed_at is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists outbox_processed_idx`.execute(db)
  await sql`drop index if exists outbox_deadline_schedule_idx`.execute(db)
  await sql`drop index if exists deadlines_unreminded_due_idx`.execute(db)
  await sql`drop index if exists deadlines_unschedule_idx`.execute(db)
  await db.schema.alterTable('deadlines').dropColumn('unscheduled_at').execute()
}
