// Idempotent replays repeat the headers that describe the stored answer
// (ETag, Location), not only its status, type and body.
// Frozen in time: takes Kysely<any>, imports no app types.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table idempotency_keys add column response_headers jsonb not null default '{}'::jsonb`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table idempotency_keys drop column if exists response_headers`.execute(db)
}
