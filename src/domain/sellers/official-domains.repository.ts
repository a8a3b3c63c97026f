// Sellers' official domains and their review by arbiters.
import { sql, type Selectable } from 'kysely'
import type { DbOrTx } from '../../db/database.js'
import type { OfficialDomainStatus, SellerOfficialDomainsTable } from '../../db/schema.js'

export type OfficialDomainRow = Selectable<SellerOfficialDomainsTable>

/** The seller's domains, whatever their status, by name. */
export async function domainsOf(db: DbOrTx, sellerId: string): Promise<OfficialDomainRow[]> {
  return db
    .selectFrom('seller_official_domains')
    .selectAll()
    .where('seller_id', '=', sellerId)
    .orderBy('domain')
    .execute()
}

/** The seller's approved domains: the only ones that relax moderation. */
export async function approvedDomains(db: DbOrTx, sellerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('seller_official_domains')
    .select('domain')
    .where('seller_id', '=', sellerId)
    .where('status', '=', 'approved')
    .orderBy('domain')
    .execute()
  return rows.map((r) => r.domain)
}

/**
 * Makes the seller's set `domains`: those it drops are deleted, those it adds
 * are inserted pending, those it keeps keep their row (id, status, review).
 */
export async function replaceDomains(
  db: DbOrTx,
  sellerId: string,
  domains: readonly string[],
  at: Date,
): Promise<void> {
  let removal = db.deleteFrom('seller_official_domains').where('seller_id', '=', sellerId)
  if (domains.length > 0) removal = removal.where('domain', 'not in', [...domains])
  await removal.execute()
  if (domains.length === 0) return
  await db
    .insertInto('seller_official_domains')
    .values(domains.map((domain) => ({ seller_id: sellerId, domain, created_at: at })))
    .onConflict((oc) => oc.columns(['seller_id', 'domain']).doNothing())
    .execute()
}

export interface ReviewFilter {
  status: OfficialDomainStatus
  seller_id?: string
}

/** A page of domains with this status, oldest first, after the keyset (created_at, id). */
export async function listForReview(
  db: DbOrTx,
  filter: ReviewFilter,
  page: { limit: number; after?: { created_at: string; id: string } },
): Promise<OfficialDomainRow[]> {
  let q = db.selectFrom('seller_official_domains').selectAll().where('status', '=', filter.status)
  if (filter.seller_id !== undefined) q = q.where('seller_id', '=', filter.seller_id)
  if (page.after)
    q = q.where(sql<boolean>`(created_at, id) > (${page.after.created_at}::timestamptz, ${page.after.id}::uuid)`)
  return q
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit + 1)
    .execute()
}

export async function findForUpdate(db: DbOrTx, id: string): Promise<OfficialDomainRow | undefined> {
  return db.selectFrom('seller_official_domains').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function setReview(
  db: DbOrTx,
  id: string,
  review: { status: OfficialDomainStatus; reviewed_by: string; reviewed_at: Date; review_comment: string | null },
): Promise<OfficialDomainRow> {
  return db
    .updateTable('seller_official_domains')
    .set(review)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}
