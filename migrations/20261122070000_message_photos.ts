// Photos on chat messages (docs/moderation.md, docs/photos.md): a photo belongs to a claim, a
// message, or both (a message in a claim thread is also claim evidence). A
// pre-sale thread has no claim, so claim_id becomes nullable.
// Frozen in time: takes Kysely<any>, imports no app types.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('photos')
    .alterColumn('claim_id', (c) => c.dropNotNull())
    .execute()
  await db.schema
    .alterTable('photos')
    .addCheckConstraint('photos_claim_or_message', sql`claim_id is not null or message_id is not null`)
    .execute()
  // A message's photos go with it: `set null` would leave a pre-sale photo
  // belonging to nothing, which the check above refuses (and so the delete).
  await sql`alter table photos drop constraint photos_message_id_fkey,
    add constraint photos_message_id_fkey foreign key (message_id) references messages (id) on delete cascade`.execute(
    db,
  )
  // Message views load the photos of a page of messages by message_id.
  await db.schema
    .createIndex('photos_message_idx')
    .on('photos')
    .columns(['message_id', 'position'])
    .where(sql.ref('message_id'), 'is not', null)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('photos_message_idx').ifExists().execute()
  await sql`alter table photos drop constraint photos_message_id_fkey,
    add constraint photos_message_id_fkey foreign key (message_id) references messages (id) on delete set null`.execute(
    db,
  )
  await db.schema.alterTable('photos').dropConstraint('photos_claim_or_message').ifExists().execute()
  // Pre-sale chat photos have no claim to belong to: their rows go (their stored files stay, orphaned).
  await db.deleteFrom('photos').where('claim_id', 'is', null).execute()
  await db.schema
    .alterTable('photos')
    .alterColumn('claim_id', (c) => c.setNotNull())
    .execute()
}
