// Event feed read throughput (docs/integrations.md): loads ~100,000 feed events the
// way production writes them (claim_events and chat messages, through the
// feed triggers, in many transactions), then reads them all through
// FeedService in pages as the service principal, and as one seller.
//
//   npx tsx bench/feed.ts [--events 100000] [--page 1000] [--keep]
// Target: ≥ 10,000 events/s read as the service.
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { createDb } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { FeedService } from '../src/domain/feed/feed.service.js'
import { CursorCodec } from '../src/shared/cursor.js'
import { checkpoint, databaseUrl, dropDatabase, recreateDatabase, vacuumAnalyze } from './lib/pg-admin.js'

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    page: { type: 'string', default: '1000' },
    keep: { type: 'boolean', default: false },
  },
})
const EVENTS = Number(values.events)
const PAGE = Number(values.page)
const NAME = 'claimdesk_bench_feed'
const SELLERS = 50
const CLAIMS = 2_000
const PER_TX = 1_000

async function main(): Promise<void> {
  await recreateDatabase(NAME)
  const db = createDb(databaseUrl(NAME), { max: 4 })
  try {
    await migrateToLatest(db)
    await sql`
      insert into orders (id, buyer_id, seller_id, scheme, currency, delivered_at)
      select 'o' || g, 'buyer-' || g, 'shop-' || (g % ${SELLERS}), 'FBS', 'RUB', now() - interval '1 day'
      from generate_series(1, ${CLAIMS}) g`.execute(db)
    await sql`insert into order_lines (order_id, id, sku, title, quantity, unit_price)
      select id, 'l1', 'SKU-1', 'Kettle', 1, 250000 from orders`.execute(db)
    await sql`
      insert into claims (order_id, line_id, buyer_id, seller_id, sku, scheme, currency, line_total, reason,
        requested_resolution, description, state, snapshot, machine_version, version, updated_at)
      select id, 'l1', buyer_id, seller_id, 'SKU-1', 'FBS', 'RUB', 250000, 'defect', 'refund', 'leaks',
        'awaiting_seller', '{}'::jsonb, 1, 1, now() from orders`.execute(db)
    await sql`insert into threads (order_id, buyer_id, seller_id, has_claim) select id, buyer_id, seller_id, true from orders`.execute(
      db,
    )

    // 4 of 5 events are claim events, 1 of 5 a buyer's chat message; PER_TX rows per transaction.
    const loadStart = performance.now()
    for (let done = 0; done < EVENTS; done += PER_TX) {
      const n = Math.min(PER_TX, EVENTS - done)
      await db.transaction().execute(async (tx) => {
        await sql`
          insert into claim_events (claim_id, seq, actor_role, actor_id, action, from_state, to_state, payload)
          select c.ids[1 + (${done} + g) % ${CLAIMS}], ${done} + g, 'seller', c.sellers[1 + (${done} + g) % ${CLAIMS}],
            'request_info', 'awaiting_seller', 'awaiting_buyer_info', jsonb_build_object('comment', 'Please send a photo of the seam')
          from generate_series(1, ${Math.ceil((n * 4) / 5)}) g,
            (select array_agg(id order by id) as ids, array_agg(seller_id order by id) as sellers from claims) c`.execute(
          tx,
        )
        await sql`
          insert into messages (thread_id, sender_role, sender_id, kind, text, claim_id)
          select t.ids[1 + (${done} + g) % ${CLAIMS}], 'buyer', t.buyers[1 + (${done} + g) % ${CLAIMS}], 'text',
            'Here is the photo you asked for', null
          from generate_series(1, ${n - Math.ceil((n * 4) / 5)}) g,
            (select array_agg(id order by id) as ids, array_agg(buyer_id order by id) as buyers from threads) t`.execute(
          tx,
        )
      })
    }
    const loadSeconds = (performance.now() - loadStart) / 1000
    const total = Number((await sql<{ n: string }>`select count(*) as n from feed_events`.execute(db)).rows[0]!.n)
    await vacuumAnalyze(NAME)
    await checkpoint()

    const feed = new FeedService({
      db,
      pseudonymSecret: 'bench-pseudonym-secret',
      cursors: new CursorCodec(['bench-cursor-secret-0123456789']),
    })
    const readAll = async (principal: { role: 'service' | 'seller'; id: string }) => {
      const started = performance.now()
      let after: string | undefined
      let count = 0
      let pages = 0
      for (;;) {
        const page = await feed.read(principal, { after, limit: PAGE })
        count += page.items.length
        pages += 1
        after = page.next_cursor
        if (!page.has_more) break
      }
      const seconds = (performance.now() - started) / 1000
      return { count, pages, seconds, perSecond: Math.round(count / seconds) }
    }
    await readAll({ role: 'service', id: 'warm-up' })
    const service = await readAll({ role: 'service', id: 'marketplace' })
    const seller = await readAll({ role: 'seller', id: 'shop-7' })
    console.log(
      JSON.stringify(
        {
          feed_events: total,
          load: {
            seconds: Number(loadSeconds.toFixed(2)),
            events_per_second: Math.round(total / loadSeconds),
            rows_per_tx: PER_TX,
          },
          read_service: { ...service, seconds: Number(service.seconds.toFixed(3)), page: PAGE },
          read_one_seller: { ...seller, seconds: Number(seller.seconds.toFixed(3)), page: PAGE },
          target_events_per_second: 10_000,
          ok: service.perSecond >= 10_000 && service.count === total,
        },
        null,
        2,
      ),
    )
  } finally {
    await db.destroy()
    if (!values.keep) await dropDatabase(NAME)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
