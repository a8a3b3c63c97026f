// The claim's earliest pending deadline, kept on the row by each transition,
// so "sort by due time" is an index walk instead of a sort of every open claim.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('claims').addColumn('next_due_at', 'timestamptz').execute()
  await sql`update claims set next_due_at = d.due
    from (select claim_id, min(due_at) as due from deadlines where status = 'pending' group by claim_id) d
    where d.claim_id = claims.id`.execute(db)
  await sql`create index claims_seller_next_due_idx on claims (seller_id, next_due_at, id) where next_due_at is not null`.execute(
    db,
  )
  await sql`create index claims_buyer_next_due_idx on claims (buyer_id, next_due_at, id) where next_due_at is not null`.execute(
    db,
  )
  await sql`create index claims_next_due_idx on claims (next_due_at, id) where next_due_at is not null`.execute(db)
  // The arbiters' scope (escalated claims) sorted by due time.
  await sql`create index claims_escalated_next_due_idx on claims (next_due_at, id) where state = 'escalated'`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('claims').dropColumn('next_due_at').execute()
}
