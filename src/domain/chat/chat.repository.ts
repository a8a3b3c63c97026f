// Chat threads and messages as the chat API reads them, and sellers' chat settings.
// Refused attempts, flags and abuse reports are moderation's (src/domain/moderation/).
// Every function takes the pool or a transaction.
import { sql, type Selectable, type SelectQueryBuilder } from 'kysely'
import type { DbOrTx } from '../../db/database.js'
import type { Database, MessagesTable, MessageStatus, ThreadsTable } from '../../db/schema.js'
import { PREPARED } from '../../db/prepared.js'
import { compiledOnce } from '../../db/compiled-once.js'
import { ACTIVE_SANCTION } from '../moderation/violations.repository.js'

export async function findOrder(db: DbOrTx, orderId: string) {
  return db.selectFrom('orders').select(['id', 'buyer_id', 'seller_id']).where('id', '=', orderId).executeTakeFirst()
}

export async function orderHasClaim(db: DbOrTx, orderId: string): Promise<boolean> {
  const row = await db.selectFrom('claims').select('id').where('order_id', '=', orderId).limit(1).executeTakeFirst()
  return row !== undefined
}

export async function findThreadByOrder(db: DbOrTx, orderId: string) {
  return db.selectFrom('threads').selectAll().where('order_id', '=', orderId).executeTakeFirst()
}

export async function findThread(db: DbOrTx, id: string) {
  return db.selectFrom('threads').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Inserts the order's thread unless one exists; `created` tells which. */
export async function createThread(
  db: DbOrTx,
  parties: { order_id: string; buyer_id: string; seller_id: string; has_claim: boolean; created_at: Date },
): Promise<{ id: string; created: boolean }> {
  const inserted = await db
    .insertInto('threads')
    .values({ ...parties, last_message_at: parties.created_at })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (inserted) return { id: inserted.id, created: true }
  const existing = await db
    .selectFrom('threads')
    .select('id')
    .where('order_id', '=', parties.order_id)
    .executeTakeFirstOrThrow()
  return { id: existing.id, created: false }
}

export interface ThreadKey {
  last_message_at: string
  id: string
}

export interface ThreadFilter {
  buyer_id?: string
  seller_id?: string
  order_id?: string
  claims_only?: boolean
}

export async function listThreads(db: DbOrTx, filter: ThreadFilter, page: { limit: number; before?: ThreadKey }) {
  let q = db.selectFrom('threads').selectAll()
  if (filter.order_id !== undefined) q = q.where('order_id', '=', filter.order_id)
  if (filter.buyer_id !== undefined) q = q.where('buyer_id', '=', filter.buyer_id)
  if (filter.seller_id !== undefined) q = q.where('seller_id', '=', filter.seller_id)
  if (filter.claims_only) q = q.where('has_claim', '=', true)
  if (page.before)
    q = q.where(
      sql<boolean>`(last_message_at, id) < (${page.before.last_message_at}::timestamptz, ${page.before.id}::uuid)`,
    )
  return q
    .orderBy('last_message_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute()
}

/**
 * Who reads a thread's messages: an arbiter reads every one; a party reads
 * delivered messages and its own held or withheld ones.
 */
export type MessageReader = { role: 'arbiter' } | { role: string; id: string }

function visibleTo<QB extends SelectQueryBuilder<Database, 'messages', object>>(q: QB, reader: MessageReader): QB {
  if (!('id' in reader)) return q
  return q.where((eb) =>
    eb.or([
      eb('status', '=', 'delivered'),
      eb.and([eb('sender_role', '=', reader.role), eb('sender_id', '=', reader.id)]),
    ]),
  ) as QB
}

/**
 * In thread order (seq): newest first below `before`, or oldest first above
 * `after` (a seq, or a message id: the seq of that message of the thread).
 */
export async function listMessages(
  db: DbOrTx,
  threadId: string,
  reader: MessageReader,
  page: { limit: number; before?: string; after?: { seq: string } | { messageId: string } },
) {
  let q = visibleTo(db.selectFrom('messages').selectAll().where('thread_id', '=', threadId), reader)
  if (page.after !== undefined) {
    const after = page.after
    const from =
      'seq' in after
        ? sql<string>`${after.seq}::bigint`
        : sql<string>`coalesce((select seq from messages where id = ${after.messageId}::bigint and thread_id = ${threadId}::uuid), ${after.messageId}::bigint)`
    return q
      .where(sql<boolean>`seq > ${from}`)
      .orderBy('seq', 'asc')
      .limit(page.limit + 1)
      .execute()
  }
  if (page.before !== undefined) q = q.where('seq', '<', page.before)
  return q
    .orderBy('seq', 'desc')
    .limit(page.limit + 1)
    .execute()
}

export async function findMessage(db: DbOrTx, threadId: string, messageId: string, reader: MessageReader) {
  return visibleTo(
    db.selectFrom('messages').selectAll().where('thread_id', '=', threadId).where('id', '=', messageId),
    reader,
  ).executeTakeFirst()
}

export async function presaleQuestionsEnabled(db: DbOrTx, sellerId: string): Promise<boolean> {
  const row = await db
    .selectFrom('seller_chat_settings')
    .select('presale_questions')
    .where('seller_id', '=', sellerId)
    .executeTakeFirst()
  return row?.presale_questions ?? true
}

export async function setPresaleQuestions(db: DbOrTx, sellerId: string, enabled: boolean, at: Date): Promise<void> {
  await db
    .insertInto('seller_chat_settings')
    .values({ seller_id: sellerId, presale_questions: enabled, updated_at: at })
    .onConflict((oc) => oc.column('seller_id').doUpdateSet({ presale_questions: enabled, updated_at: at }))
    .execute()
}

/** A thread with everything sending a message into it checks, read in one statement. */
export type ThreadForMessage = Selectable<ThreadsTable> & {
  /** An active chat suspension of the thread's seller. */
  seller_suspension_id: string | null
  /** The claim a message belongs to: the order's open claim, else its latest one; `open` tells which (only an open claim takes chat photos as evidence). */
  current_claim_id: string | null
  current_claim_open: boolean | null
  /** The seller's pre-sale questions switch (on unless switched off). */
  presale_questions: boolean
  /** The seller's approved official domains, which links may point to. */
  seller_domains: string[]
}

/** The claim a message belongs to: the order's open claim, else its latest one (alias c, of thread t). */
const currentClaim = sql`left join lateral (
      select id, state not in ('resolved', 'closed', 'withdrawn') as open from claims
      where order_id = t.order_id
      order by state in ('resolved', 'closed', 'withdrawn'), created_at desc limit 1) c on true`

/** The id of an active chat suspension of thread t's seller, or null. */
const sellerSuspension = sql`(select s.id from sanctions s
        where s.party_role = 'seller' and s.party_id = t.seller_id and s.kind = 'chat_suspension'
          and s.status = any(${ACTIVE_SANCTION}::text[]) limit 1)`

/** Thread t's seller takes pre-sale questions (on unless switched off). */
const presaleQuestions = sql`coalesce((select presale_questions from seller_chat_settings where seller_id = t.seller_id), true)`

/**
 * The thread and what a message into it needs. With `lock`, the thread row is
 * locked until the transaction ends: message inserts into one thread
 * serialise on it, so message ids become visible in id order and `after=`
 * polling misses none (insertMessage takes the same lock by its update).
 */
export async function findThreadForMessage(
  db: DbOrTx,
  id: string,
  lock: boolean,
): Promise<ThreadForMessage | undefined> {
  // Lock first, read after: a statement that waited for the lock would still
  // read the rest (a suspension just committed) from before it waited.
  if (lock) await sql`select 1 from threads where id = ${id} for update`.execute(db)
  const result = await sql<ThreadForMessage>`${sql.raw(PREPARED)}
    select t.*, ${sellerSuspension} as seller_suspension_id,
      c.id as current_claim_id, c.open as current_claim_open,
      ${presaleQuestions} as presale_questions,
      coalesce((select array_agg(d.domain) from seller_official_domains d
        where d.seller_id = t.seller_id and d.status = 'approved'), '{}') as seller_domains
    from threads t ${currentClaim}
    where t.id = ${id}`.execute(db)
  return result.rows[0]
}

/** Compiled once (src/db/compiled-once.ts): nearly every chat message is written with it. */
const INSERT_ADMITTED_TEXT = compiledOnce<AdmittedText, Selectable<MessagesTable> & { thread_seller_id: string }>(
  (v) => sql`${sql.raw(PREPARED)}
    with admitted as (
      select t.id, c.id as claim_id
      from threads t ${currentClaim}
      where t.id = ${v((m) => m.thread_id)}
        and case ${v((m) => m.sender_role)}::text when 'buyer' then t.buyer_id = ${v((m) => m.sender_id)} when 'seller' then t.seller_id = ${v((m) => m.sender_id)} else false end
        and (${v((m) => m.sender_role)}::text <> 'seller' or ${sellerSuspension} is null)
        and (${v((m) => m.sender_role)}::text <> 'buyer' or t.has_claim or c.id is not null or ${presaleQuestions})
    ),
    thread as (
      update threads set last_message_at = ${v((m) => m.created_at)}::timestamptz where id = (select id from admitted) returning id, seller_id
    ),
    msg as (
      insert into messages (thread_id, sender_role, sender_id, kind, text, claim_id, payload, created_at)
      select thread.id, ${v((m) => m.sender_role)}::text, ${v((m) => m.sender_id)}::text, 'text', ${v((m) => m.text)}::text,
             (select claim_id from admitted), '{}'::jsonb, ${v((m) => m.created_at)}::timestamptz
      from thread
      returning *
    )
    select msg.*, thread.seller_id as thread_seller_id from msg, thread`,
)

interface AdmittedText {
  thread_id: string
  sender_role: 'buyer' | 'seller'
  sender_id: string
  text: string
  created_at: Date
}

/**
 * A party's text that needs no verdict from the thread's data (moderation
 * delivers it on the platform's domains alone), in one statement: the same
 * checks as findThreadForMessage's reader makes (a party of the thread, a
 * seller not suspended, a buyer's pre-sale question only where the seller
 * takes them), then insertMessage's writes. Undefined when a check fails:
 * nothing was written, and the full path says why.
 */
export async function insertAdmittedText(
  db: DbOrTx,
  m: AdmittedText,
): Promise<{ message: Selectable<MessagesTable>; seller_id: string } | undefined> {
  const result = await INSERT_ADMITTED_TEXT(db, m)
  const row = result.rows[0]
  if (!row) return undefined
  const { thread_seller_id, ...message } = row
  return { message, seller_id: thread_seller_id }
}

/**
 * A party's message in one statement: the thread's row is bumped first (its
 * lock orders message ids, see findThreadForMessage), then the message and,
 * for a `review` verdict, its flag for arbiters. A held message takes the
 * lock without moving the thread's last activity: the other party sees none.
 */
export async function insertMessage(
  db: DbOrTx,
  message: {
    thread_id: string
    sender_role: string
    sender_id: string
    text: string
    claim_id: string | null
    payload: Record<string, unknown>
    created_at: Date
    status: 'delivered' | 'held'
  },
  flagged: readonly unknown[] | null,
): Promise<Selectable<MessagesTable>> {
  const result = await sql<Selectable<MessagesTable>>`${sql.raw(PREPARED)}
    with thread as (
      update threads set last_message_at = case when ${message.status}::text = 'held' then last_message_at
        else ${message.created_at}::timestamptz end
      where id = ${message.thread_id} returning id
    ),
    msg as (
      insert into messages (thread_id, sender_role, sender_id, kind, text, claim_id, payload, created_at, status)
      select thread.id, ${message.sender_role}::text, ${message.sender_id}::text, 'text', ${message.text}::text,
             ${message.claim_id}::uuid, ${JSON.stringify(message.payload)}::jsonb, ${message.created_at}::timestamptz,
             ${message.status}::text
      from thread
      returning *
    ),
    flag as (
      insert into message_flags (message_id, thread_id, violations, created_at)
      select msg.id, msg.thread_id, ${JSON.stringify(flagged ?? [])}::jsonb, msg.created_at from msg where ${flagged !== null}::boolean
    )
    select * from msg`.execute(db)
  const row = result.rows[0]
  if (!row) throw new Error(`thread ${message.thread_id} vanished while posting a message`)
  return row
}

/**
 * Settles a held message once its flag is reviewed: `delivered` (released)
 * moves it to the end of its thread under the thread's lock (a fresh seq, so
 * `after=` pollers see it; the thread's last activity is the release) and the
 * feed trigger posts it; `withheld` keeps it from the other party for good.
 * Only a held message changes: undefined when it is not (a delivered flag).
 */
export async function settleHeldMessage(
  db: DbOrTx,
  messageId: string,
  outcome: Extract<MessageStatus, 'delivered' | 'withheld'>,
  at: Date,
): Promise<Selectable<MessagesTable> | undefined> {
  if (outcome === 'withheld') {
    return db
      .updateTable('messages')
      .set({ status: 'withheld' })
      .where('id', '=', messageId)
      .where('status', '=', 'held')
      .returningAll()
      .executeTakeFirst()
  }
  const result = await sql<Selectable<MessagesTable>>`
    with thread as (
      update threads set last_message_at = greatest(last_message_at, ${at}::timestamptz)
      where id = (select thread_id from messages where id = ${messageId}::bigint and status = 'held')
      returning id
    )
    update messages set status = 'delivered', released_at = ${at}::timestamptz,
      seq = nextval(pg_get_serial_sequence('messages', 'id'))
    where id = ${messageId}::bigint and status = 'held' and thread_id = (select id from thread)
    returning *`.execute(db)
  return result.rows[0]
}
