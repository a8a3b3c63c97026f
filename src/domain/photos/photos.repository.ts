// Photo rows and reuse matches: every statement of the photo service.
import { sql, type Insertable } from 'kysely'
import type { DbOrTx } from '../../db/database.js'
import type { PhotoRow, PhotosTable } from '../../db/schema.js'

/** Matches per uploaded photo kept for arbiters; a hot dHash (flat images) must not flood the table. */
export const REUSE_MATCHES_MAX = 20
/** The fallback scan for very wide reuse distances looks at this many recent photos. */
export const REUSE_SCAN_WINDOW = 100_000

export async function insertPhotos(db: DbOrTx, rows: Insertable<PhotosTable>[]): Promise<void> {
  await db.insertInto('photos').values(rows).execute()
}

export interface ReuseProbe {
  claimId: string
  sha256: string
  phash: string
  /** Largest dHash distance that counts (policy photo_reuse_distance). */
  distance: number
  /** The multi-index keys to look up (src/domain/photos/reuse.ts), or null to scan recent photos. */
  probeKeys: number[] | null
}

/** Photos of other claims with the same normalised bytes or a dHash within `distance`, nearest first. */
export async function findReuse(db: DbOrTx, probe: ReuseProbe): Promise<{ id: string; distance: number }[]> {
  const { claimId, sha256, phash, distance: limit, probeKeys } = probe
  const distance = sql<number>`case when sha256 = ${sha256} then 0
      else bit_count(('x' || phash)::bit(64) # ('x' || ${phash})::bit(64)) end`
  if (probeKeys) {
    return db
      .selectFrom('photos')
      .select(['id', distance.as('distance')])
      .where('claim_id', '<>', claimId)
      .where((eb) => eb.or([eb('sha256', '=', sha256), eb(sql`phash_keys`, '&&', sql`${probeKeys}::integer[]`)]))
      .where(distance, '<=', limit)
      .orderBy('distance')
      .orderBy('created_at', 'desc')
      .limit(REUSE_MATCHES_MAX)
      .execute()
  }
  const recent = db
    .selectFrom('photos')
    .select(['id', 'sha256', 'phash', 'created_at'])
    .where('claim_id', '<>', claimId)
    .orderBy('created_at', 'desc')
    .limit(REUSE_SCAN_WINDOW)
    .as('recent')
  return db
    .selectFrom(recent)
    .select(['id', distance.as('distance')])
    .where(distance, '<=', limit)
    .orderBy('distance')
    .orderBy('created_at', 'desc')
    .limit(REUSE_MATCHES_MAX)
    .execute()
}

/** Records reuse pairs (both directions, given by the caller); a pair already recorded stays. */
export async function insertReuse(
  db: DbOrTx,
  pairs: { photo_id: string; other_photo_id: string; distance: number }[],
): Promise<void> {
  await db
    .insertInto('photo_reuse')
    .values(pairs)
    .onConflict((oc) => oc.columns(['photo_id', 'other_photo_id']).doNothing())
    .execute()
}

/** The claim's own photos (claim and action uploads), not its chat photos. */
export async function countClaimUploads(db: DbOrTx, claimId: string): Promise<number> {
  const row = await db
    .selectFrom('photos')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('claim_id', '=', claimId)
    .where('message_id', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export function photosOfClaims(db: DbOrTx, claimIds: string[]): Promise<PhotoRow[]> {
  return db
    .selectFrom('photos')
    .selectAll()
    .where('claim_id', 'in', claimIds)
    .orderBy('created_at')
    .orderBy('position')
    .execute()
}

/** Reuse matches of the claims' photos, with the claim of each side. */
export function reuseOfClaims(db: DbOrTx, claimIds: string[]) {
  return db
    .selectFrom('photo_reuse as r')
    .innerJoin('photos as p', 'p.id', 'r.photo_id')
    .innerJoin('photos as o', 'o.id', 'r.other_photo_id')
    .select(['p.claim_id', 'r.photo_id', 'o.claim_id as other_claim_id', 'r.distance'])
    .where('p.claim_id', 'in', claimIds)
    .orderBy('p.created_at')
    .orderBy('p.position')
    .orderBy('o.created_at')
    .execute()
}

export function photosOfMessages(db: DbOrTx, messageIds: string[]): Promise<PhotoRow[]> {
  return db
    .selectFrom('photos')
    .selectAll()
    .where('message_id', 'in', messageIds)
    .orderBy('message_id')
    .orderBy('position')
    .execute()
}

/** A photo's keys and the parties of its thread (a chat photo) or else its claim. */
export function findForServing(db: DbOrTx, id: string) {
  return db
    .selectFrom('photos')
    .leftJoin('messages', 'messages.id', 'photos.message_id')
    .leftJoin('threads', 'threads.id', 'messages.thread_id')
    .leftJoin('claims', 'claims.id', 'photos.claim_id')
    .select(['photos.id', 'photos.sha256', 'photos.mime', 'photos.full_key', 'photos.preview_key', 'photos.thumb_key'])
    .select(['messages.status as message_status', 'messages.sender_role', 'messages.sender_id'])
    .select((eb) => [
      eb.fn.coalesce('threads.buyer_id', 'claims.buyer_id').as('buyer_id'),
      eb.fn.coalesce('threads.seller_id', 'claims.seller_id').as('seller_id'),
    ])
    .where('photos.id', '=', id)
    .executeTakeFirst()
}
