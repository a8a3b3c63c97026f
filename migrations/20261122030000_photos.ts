// Claim photos (docs/photos.md) and the reuse matches arbiters see.
// Frozen in time: takes Kysely<any>, imports no app types.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('photos')
    // Chosen by the app before the variants are stored: storage keys derive from it.
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('claim_id', 'uuid', (c) => c.notNull().references('claims.id').onDelete('cascade'))
    // Set when a photo arrives with a chat message (later); null for claim and action uploads.
    .addColumn('message_id', 'bigint', (c) => c.references('messages.id').onDelete('set null'))
    .addColumn('uploader_role', 'text', (c) => c.notNull())
    .addColumn('uploader_id', 'text', (c) => c.notNull())
    // SHA-256 of the normalised full variant (hex): identity and ETag base.
    .addColumn('sha256', 'char(64)', (c) => c.notNull())
    // 64-bit dHash as 16 hex digits.
    .addColumn('phash', 'char(16)', (c) => c.notNull())
    // Multi-index hashing keys: the dHash cut into four 16-bit bands, each
    // stored as (band << 16 | value). A GIN index over them finds every photo
    // within a Hamming distance d by looking up the bands within d/4 bits.
    .addColumn('phash_keys', sql`integer[]`, (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('source_format', 'text', (c) => c.notNull())
    .addColumn('full_key', 'text', (c) => c.notNull())
    .addColumn('full_width', 'integer', (c) => c.notNull())
    .addColumn('full_height', 'integer', (c) => c.notNull())
    .addColumn('full_bytes', 'integer', (c) => c.notNull())
    .addColumn('preview_key', 'text', (c) => c.notNull())
    .addColumn('preview_width', 'integer', (c) => c.notNull())
    .addColumn('preview_height', 'integer', (c) => c.notNull())
    .addColumn('preview_bytes', 'integer', (c) => c.notNull())
    .addColumn('thumb_key', 'text', (c) => c.notNull())
    .addColumn('thumb_width', 'integer', (c) => c.notNull())
    .addColumn('thumb_height', 'integer', (c) => c.notNull())
    .addColumn('thumb_bytes', 'integer', (c) => c.notNull())
    // The photo's place among those sent together (created_at is the transaction's time).
    .addColumn('position', 'smallint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('photos_claim_idx').on('photos').columns(['claim_id', 'created_at', 'position']).execute()
  await db.schema.createIndex('photos_sha256_idx').on('photos').column('sha256').execute()
  await sql`create index photos_phash_keys_idx on photos using gin (phash_keys)`.execute(db)

  // One row per (photo, matching photo in another claim), written both ways
  // when the later photo is stored, so both claims show the match.
  await db.schema
    .createTable('photo_reuse')
    .addColumn('photo_id', 'uuid', (c) => c.notNull().references('photos.id').onDelete('cascade'))
    .addColumn('other_photo_id', 'uuid', (c) => c.notNull().references('photos.id').onDelete('cascade'))
    // 0 for the same normalised bytes (sha256), else the dHash Hamming distance (which may be 0 too).
    .addColumn('distance', 'smallint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('photo_reuse_pk', ['photo_id', 'other_photo_id'])
    .execute()
  await db.schema.createIndex('photo_reuse_other_idx').on('photo_reuse').column('other_photo_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('photo_reuse').ifExists().execute()
  await db.schema.dropTable('photos').ifExists().execute()
}
