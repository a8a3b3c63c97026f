// Messages held for review (policy moderation_review = hold, docs/moderation.md).
//
// status: delivered (every message so far), held (a `review` verdict awaiting an
// arbiter: only its sender and arbiters read it), withheld (an arbiter confirmed
// the flag: never delivered). seq is a message's place in its thread: its id
// when delivered at once, a fresh value of the id sequence when an arbiter
// releases it, so a released message comes after everything already delivered
// and `after=` polling (which pages by seq) cannot miss it. A chat.message feed
// event is written for a delivered message at insert, and for a held one once,
// when it is released.
// Frozen in time: takes Kysely<any>, imports no app types.
import { sql, type Kysely } from 'kysely'

const feedFromMessage = (heldAware: boolean) => sql`
  create or replace function feed_from_message() returns trigger language plpgsql as $$
  declare t record; kind text; body jsonb;
  begin
    if new.kind = 'text' ${heldAware ? sql.raw(`and new.status = 'delivered'`) : sql.raw('')} then
      kind := 'chat.message';
    elsif new.kind = 'system' and coalesce(new.payload->>'reminder', '') = 'true' then
      kind := 'deadline.reminder';
    else
      return null;
    end if;
    select buyer_id, seller_id, order_id into t from threads where id = new.thread_id;
    if kind = 'chat.message' then
      body := jsonb_build_object('message_id', new.id::text, 'thread_id', new.thread_id, 'order_id', t.order_id,
        'claim_id', new.claim_id, 'sender_role', new.sender_role, 'sender_id', new.sender_id, 'text', new.text)
        || jsonb_build_object('photos', (
          select coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'mime', p.mime,
            'full', jsonb_build_array(p.full_width, p.full_height),
            'preview', jsonb_build_array(p.preview_width, p.preview_height),
            'thumb', jsonb_build_array(p.thumb_width, p.thumb_height)) order by p.position), '[]'::jsonb)
          from photos p where p.message_id = new.id));
    else
      body := (new.payload - 'reminder') || jsonb_build_object('message_id', new.id::text, 'thread_id', new.thread_id,
        'order_id', t.order_id, 'text', new.text);
    end if;
    insert into feed_events (type, claim_id, thread_id, buyer_id, seller_id, source_id, data, occurred_at)
    values (kind, new.claim_id, new.thread_id, t.buyer_id, t.seller_id, new.id::text, body,
      ${heldAware ? sql.raw('coalesce(new.released_at, new.created_at)') : sql.raw('new.created_at')});
    return null;
  end $$`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table messages
    add column status text not null default 'delivered' check (status in ('delivered', 'held', 'withheld')),
    add column released_at timestamptz,
    add column seq bigint`.execute(db)
  await sql`update messages set seq = id`.execute(db)
  await sql`alter table messages alter column seq set not null`.execute(db)
  // Defaults are filled in before BEFORE triggers run, so new.id is known here.
  await sql`create function message_seq() returns trigger language plpgsql as $$
    begin
      new.seq := coalesce(new.seq, new.id);
      return new;
    end $$`.execute(db)
  await sql`create trigger messages_seq before insert on messages for each row execute function message_seq()`.execute(
    db,
  )
  await sql`drop index messages_thread_idx`.execute(db)
  await sql`create index messages_thread_seq_idx on messages (thread_id, seq)`.execute(db)
  await feedFromMessage(true).execute(db)
  // The WHEN of a constraint trigger is evaluated at the update; the event is written at commit, photos and all.
  await sql`create constraint trigger messages_feed_release after update of status on messages
    deferrable initially deferred for each row
    when (old.status = 'held' and new.status = 'delivered') execute function feed_from_message()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger messages_feed_release on messages`.execute(db)
  await feedFromMessage(false).execute(db)
  await sql`drop index messages_thread_seq_idx`.execute(db)
  await sql`create index messages_thread_idx on messages (thread_id, id)`.execute(db)
  await sql`drop trigger messages_seq on messages`.execute(db)
  await sql`drop function message_seq()`.execute(db)
  await sql`alter table messages drop column seq, drop column released_at, drop column status`.execute(db)
}
