// GET /v1/orders lists a buyer's orders newest first: an index walk per page,
// as orders_seller_idx does for sellers. Frozen in time: takes Kysely<any>, imports no app types.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index orders_buyer_created_idx on orders (buyer_id, created_at desc, id desc)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists orders_buyer_created_idx`.execute(db)
}
