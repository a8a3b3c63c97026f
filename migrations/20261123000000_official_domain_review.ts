// Sellers' official domains are reviewed by arbiters: a domain is pending
// when registered and relaxes moderation only once approved. Domains already
// registered were never reviewed (some may be mail providers or shorteners),
// so they start pending too. A surrogate id names a domain in the review API.
// Frozen in time: takes Kysely<any>, imports no app types.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table seller_official_domains
    add column id uuid not null default gen_random_uuid(),
    add column status text not null default 'pending',
    add column reviewed_at timestamptz,
    add column reviewed_by text,
    add column review_comment text,
    add constraint seller_official_domains_status check (status in ('pending', 'approved', 'refused')),
    add constraint seller_official_domains_id_key unique (id)`.execute(db)
  // The arbiters' review list: by status, oldest first.
  await db.schema
    .createIndex('seller_official_domains_review_idx')
    .on('seller_official_domains')
    .columns(['status', 'created_at', 'id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('seller_official_domains_review_idx').ifExists().execute()
  await sql`alter table seller_official_domains
    drop constraint if exists seller_official_domains_id_key,
    drop constraint if exists seller_official_domains_status,
    drop column if exists review_comment,
    drop column if exists reviewed_by,
    drop column if exists reviewed_at,
    drop column if exists status,
    drop column if exists id`.execute(db)
}
