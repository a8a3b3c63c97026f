// The idempotency_keys table: reservations, stored responses, and their pruning.
import { sql } from 'kysely'
import type { Db } from '../db/database.js'

/** A reservation older than this belongs to a request that died; it may be taken over. */
export const ABANDONED_AFTER_SECONDS = 60

export interface StoredResponse {
  request_hash: string
  status_code: number
  content_type: string
  response_body: string
  /** The answer's own headers (ETag, Location), repeated by a replay. */
  response_headers: Record<string, string>
  abandoned: boolean
}

/** Reserves (principal, key) for a first request; false when the key is already taken. */
export async function reserveKey(db: Db, principal: string, key: string, requestHash: string): Promise<boolean> {
  const reserved = await db
    .insertInto('idempotency_keys')
    .values({ principal, key, request_hash: requestHash, status_code: 0, content_type: '', response_body: '' })
    .onConflict((oc) => oc.columns(['principal', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst()
  return reserved !== undefined
}

export async function findKey(db: Db, principal: string, key: string): Promise<StoredResponse> {
  return db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'content_type', 'response_body', 'response_headers'])
    .select(sql<boolean>`created_at < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})`.as('abandoned'))
    .where('principal', '=', principal)
    .where('key', '=', key)
    .executeTakeFirstOrThrow()
}

export async function storeResponse(
  db: Db,
  principal: string,
  key: string,
  response: {
    status_code: number
    content_type: string
    response_body: string
    response_headers: Record<string, string>
  },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set(response)
    .where('principal', '=', principal)
    .where('key', '=', key)
    .execute()
}

/** Frees a key whose request decided nothing, so the client may retry with it. */
export async function releaseKey(db: Db, principal: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('principal', '=', principal).where('key', '=', key).execute()
}

/**
 * Deletes up to `batchSize` keys older than `retentionMs` (policy
 * idempotency_retention), oldest first; returns how many (a full batch: call again).
 */
export async function pruneIdempotencyKeys(db: Db, retentionMs: number, batchSize = 1_000): Promise<number> {
  const result = await sql`
    delete from idempotency_keys where (principal, key) in (
      select principal, key from idempotency_keys
      where created_at < now() - ${retentionMs / 1000}::float8 * interval '1 second'
      order by created_at
      limit ${batchSize})`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}
