// Postgres restarting while deadlines come due: the jobs fail, retry with
// backoff, and apply once Postgres is back; nothing fires twice.
import t from 'tap'
import { sql } from 'kysely'
import { loadConfig, type Config } from '../../src/config/config.js'
import { resolvePolicy } from '../../src/config/policy.js'
import { createDb } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { bareServices } from '../helpers/services.js'
import { startWorkers } from '../../workers/index.js'
import { startPrivatePostgres } from './helpers/postgres.js'
import { startPrivateRedis } from './helpers/redis.js'
import { sleep, waitFor } from './helpers/harness.js'

t.test('Postgres down for 8 s while deadlines come due: all apply once it is back', async (t) => {
  const postgres = await startPrivatePostgres(t)
  const redis = await startPrivateRedis(t)
  const db = createDb(postgres.url, { max: 10 })
  t.teardown(() => db.destroy())
  await migrateToLatest(db)
  const config: Config = {
    ...loadConfig({ NODE_ENV: 'test', DATABASE_URL: postgres.url, REDIS_URL: redis.url }),
    policy: resolvePolicy({ seller_response: 'PT3S', sweep_interval: 'PT2S' }),
  }
  const { openClaim } = bareServices(db, { policy: config.policy, pseudonymSecret: config.pseudonymSecret })
  const workers = await startWorkers({ config, db })
  t.teardown(() => workers.close())

  const ids: string[] = []
  for (const n of [1, 2, 3]) {
    await sql`insert into orders (id, buyer_id, seller_id, scheme, currency, delivered_at) values (${`o${n}`}, 'b1', 's1', 'FBS', 'RUB', now() - interval '1 day')`.execute(
      db,
    )
    await sql`insert into order_lines (order_id, id, sku, title, quantity, unit_price) values (${`o${n}`}, 'l1', 'SKU', 'Kettle', 1, 1000)`.execute(
      db,
    )
    const claim = await openClaim.open(
      { id: 'b1', role: 'buyer' },
      {
        order_id: `o${n}`,
        line_id: 'l1',
        reason: 'wrong_item',
        description: 'Wrong colour.',
        requested_resolution: 'refund',
      },
    )
    ids.push(claim.id)
  }
  await waitFor(
    'jobs relayed',
    async () => {
      const r = await sql<{
        n: number
      }>`select count(*)::int as n from outbox where topic = 'deadline.schedule' and processed_at is null`.execute(db)
      return r.rows[0]?.n === 0 ? true : undefined
    },
    5_000,
  )

  await postgres.stop()
  await sleep(8_000) // the deadlines come due meanwhile; their jobs fail and back off
  await postgres.start()
  const upAt = Date.now()

  const escalated = await waitFor(
    'every claim to escalate',
    async () => {
      const r = await sql<{ n: number }>`select count(*)::int as n from claims where state = 'escalated'`
        .execute(db)
        .catch(() => undefined)
      return r?.rows[0]?.n === ids.length ? Date.now() - upAt : undefined
    },
    20_000,
    200,
  )
  t.ok(escalated < 20_000, `all escalated ${escalated} ms after Postgres came back`)
  const events = await sql<{
    claim_id: string
    n: number
  }>`select claim_id, count(*)::int as n from claim_events where action = 'deadline_expired' group by claim_id`.execute(
    db,
  )
  t.same(
    events.rows.map((r) => r.n),
    [1, 1, 1],
    'one deadline_expired event per claim',
  )
})
