// chat.message feed events carry the message's photos. Photo rows reference
// their message, so they are inserted after it: an ordinary row trigger on
// messages fires before they exist. The trigger becomes a constraint trigger
// deferred to commit, when the whole message (text and photos) is written;
// it still runs inside the writing transaction, so the event keeps that
// transaction's txid and commits or rolls back with it.
// Frozen in time: takes Kysely<any>, imports no app types.
import { sql, type Kysely } from 'kysely'

const feedFromMessage = (withPhotos: boolean) => sql`
  create or replace function feed_from_message() returns trigger language plpgsql as $$
  declare t record; kind text; body jsonb;
  begin
    if new.kind = 'text' then
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
        ${
          withPhotos
            ? sql.raw(`|| jsonb_build_object('photos', (
          select coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'mime', p.mime,
            'full', jsonb_build_array(p.full_width, p.full_height),
            'preview', jsonb_build_array(p.preview_width, p.preview_height),
            'thumb', jsonb_build_array(p.thumb_width, p.thumb_height)) order by p.position), '[]'::jsonb)
          from photos p where p.message_id = new.id))`)
            : sql.raw('')
        };
    else
      body := (new.payload - 'reminder') || jsonb_build_object('message_id', new.id::text, 'thread_id', new.thread_id,
        'order_id', t.order_id, 'text', new.text);
    end if;
    insert into feed_events (type, claim_id, thread_id, buyer_id, seller_id, source_id, data, occurred_at)
    values (kind, new.claim_id, new.thread_id, t.buyer_id, t.seller_id, new.id::text, body, new.created_at);
    return null;
  end $$`

export async function up(db: Kysely<any>): Promise<void> {
  await feedFromMessage(true).execute(db)
  await sql`drop trigger messages_feed on messages`.execute(db)
  await sql`create constraint trigger messages_feed after insert on messages
    deferrable initially deferred for each row execute function feed_from_message()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger messages_feed on messages`.execute(db)
  await feedFromMessage(false).execute(db)
  await sql`create trigger messages_feed after insert on messages
    for each row execute function feed_from_message()`.execute(db)
}
