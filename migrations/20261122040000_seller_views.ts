// Indexes for the claim lists with filters, the sellers' statistics and the
// CSV export (docs/sellers.md), sized for a seller with a million claims, and
// the per-day order volume behind the claim rate.
// Frozen in time: takes Kysely<any>, imports no app types.
//
// The partial indexes spell the final states as literals; the queries in
// src/domain/claims/claim-list.repository.ts repeat the very same predicate so that the
// planner can prove it implies the index's.
import { sql, type Kysely } from 'kysely'

const OPEN = `state not in ('resolved', 'closed', 'withdrawn')`

export async function up(db: Kysely<any>): Promise<void> {
  // A seller's claims in a state (the state filter, one or several states).
  await sql`create index claims_seller_state_created_idx on claims (seller_id, state, created_at, id)`.execute(db)
  // A seller's claims of one SKU (the sku filter): a rare SKU must not scan all the seller's claims.
  await sql`create index claims_seller_sku_created_idx on claims (seller_id, sku, created_at, id)`.execute(db)
  // A seller's open claims: the overdue filter and the due_at sort only ever look at these.
  await sql
    .raw(`create index claims_seller_open_created_idx on claims (seller_id, created_at, id) where ${OPEN}`)
    .execute(db)
  // The same for buyers and for the unscoped lists (arbiters, the service).
  await sql.raw(`create index claims_open_created_idx on claims (created_at, id) where ${OPEN}`).execute(db)
  await sql`create index claims_state_created_idx on claims (state, created_at, id)`.execute(db)
  await sql`create index claims_created_idx on claims (created_at, id)`.execute(db)
  // The seller's statistics: everything they aggregate, so a period is read by an index-only scan.
  await sql`create index claims_seller_stats_idx on claims (seller_id, created_at)
    include (reason, sku, first_response_at, escalated_at, decided_by, resolution_type)`.execute(db)
  // A claim's pending deadlines by due time (the due_at sort's earliest-deadline test, the overdue filter), index-only.
  await sql`create index deadlines_claim_pending_due_idx on deadlines (claim_id, due_at, id) where status = 'pending'`.execute(
    db,
  )
  // Order volume per SKU for the claim rate: a seller's orders delivered in a period.
  await sql`create index orders_seller_delivered_idx on orders (seller_id, delivered_at) include (id) where delivered_at is not null`.execute(
    db,
  )
  await sql`create index order_lines_order_sku_idx on order_lines (order_id) include (sku)`.execute(db)

  // Order volume per seller, UTC delivery day and SKU, kept by triggers on
  // orders and order_lines (registration is an upsert: a changed delivered_at,
  // seller or SKU moves the counts; a deleted order takes its lines along).
  // The claim rate reads whole days here and only the period's partial edge
  // days from orders and order_lines; a big seller's 90 days are then a few
  // thousand rows instead of a join over every line it delivered.
  await sql`create table sku_delivered_lines (
    seller_id text not null,
    day date not null,
    sku text not null,
    lines integer not null,
    constraint sku_delivered_lines_pk primary key (seller_id, day, sku)
  )`.execute(db)
  await sql`create function sku_delivered_lines_bump(p_seller text, p_delivered timestamptz, p_sku text, p_delta integer)
    returns void language plpgsql as $$
    begin
      if p_delivered is null or p_seller is null then return; end if;
      insert into sku_delivered_lines as s (seller_id, day, sku, lines)
        values (p_seller, (p_delivered at time zone 'UTC')::date, p_sku, p_delta)
        on conflict (seller_id, day, sku) do update set lines = s.lines + excluded.lines;
    end $$`.execute(db)
  await sql`create function order_lines_sku_delivered() returns trigger language plpgsql as $$
    declare o record;
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        -- Absent when the line goes with its order (the order's own trigger counted it out).
        select seller_id, delivered_at into o from orders where id = old.order_id;
        if found then perform sku_delivered_lines_bump(o.seller_id, o.delivered_at, old.sku, -1); end if;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        select seller_id, delivered_at into o from orders where id = new.order_id;
        if found then perform sku_delivered_lines_bump(o.seller_id, o.delivered_at, new.sku, 1); end if;
      end if;
      return null;
    end $$`.execute(db)
  await sql`create trigger order_lines_sku_delivered_ins after insert on order_lines
    for each row execute function order_lines_sku_delivered()`.execute(db)
  await sql`create trigger order_lines_sku_delivered_upd after update of sku, order_id on order_lines
    for each row when (old.sku is distinct from new.sku or old.order_id is distinct from new.order_id)
    execute function order_lines_sku_delivered()`.execute(db)
  await sql`create trigger order_lines_sku_delivered_del after delete on order_lines
    for each row execute function order_lines_sku_delivered()`.execute(db)
  await sql`create function orders_sku_delivered() returns trigger language plpgsql as $$
    declare l record;
    begin
      for l in select sku from order_lines where order_id = old.id loop
        perform sku_delivered_lines_bump(old.seller_id, old.delivered_at, l.sku, -1);
      end loop;
      if tg_op = 'UPDATE' then
        for l in select sku from order_lines where order_id = new.id loop
          perform sku_delivered_lines_bump(new.seller_id, new.delivered_at, l.sku, 1);
        end loop;
        return null;
      end if;
      return old;
    end $$`.execute(db)
  await sql`create trigger orders_sku_delivered_upd after update of delivered_at, seller_id on orders
    for each row when (old.delivered_at is distinct from new.delivered_at or old.seller_id is distinct from new.seller_id)
    execute function orders_sku_delivered()`.execute(db)
  await sql`create trigger orders_sku_delivered_del before delete on orders
    for each row execute function orders_sku_delivered()`.execute(db)
  await sql`insert into sku_delivered_lines (seller_id, day, sku, lines)
    select o.seller_id, (o.delivered_at at time zone 'UTC')::date, l.sku, count(*)
    from orders o join order_lines l on l.order_id = o.id
    where o.delivered_at is not null
    group by 1, 2, 3`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists orders_sku_delivered_del on orders`.execute(db)
  await sql`drop trigger if exists orders_sku_delivered_upd on orders`.execute(db)
  await sql`drop trigger if exists order_lines_sku_delivered_del on order_lines`.execute(db)
  await sql`drop trigger if exists order_lines_sku_delivered_upd on order_lines`.execute(db)
  await sql`drop trigger if exists order_lines_sku_delivered_ins on order_lines`.execute(db)
  await sql`drop function if exists orders_sku_delivered()`.execute(db)
  await sql`drop function if exists order_lines_sku_delivered()`.execute(db)
  await sql`drop function if exists sku_delivered_lines_bump(text, timestamptz, text, integer)`.execute(db)
  await sql`drop table if exists sku_delivered_lines`.execute(db)
  for (const name of [
    'order_lines_order_sku_idx',
    'orders_seller_delivered_idx',
    'deadlines_claim_pending_due_idx',
    'claims_seller_stats_idx',
    'claims_created_idx',
    'claims_state_created_idx',
    'claims_open_created_idx',
    'claims_seller_open_created_idx',
    'claims_seller_sku_created_idx',
    'claims_seller_state_created_idx',
  ]) {
    await sql.raw(`drop index if exists ${name}`).execute(db)
  }
}
