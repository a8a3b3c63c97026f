// Idempotency keys are kept for policy idempotency_retention (PT24H, as
// Stripe does), then the workers' housekeeping prunes them: the table no
// longer grows with every write ever made. A key younger than that still
// replays; a pruned one is a new request.
import { sql } from 'kysely'
import t from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { runHousekeeping } from './helpers/housekeeping.js'

const HOUR_MS = 3600_000

function postOrder(api: TestApp, key: string) {
  return api.call(['service', 'marketplace'], {
    method: 'POST',
    url: '/v1/orders',
    headers: { 'idempotency-key': key },
    payload: {
      id: `o-${key}`,
      buyer_id: 'buyer-1',
      seller_id: 'shop-1',
      scheme: 'FBS',
      delivered_at: null,
      lines: [{ id: 'l1', sku: 'SKU', title: 'Kettle', quantity: 1, unit_price: 1000 }],
    },
  })
}

async function keys(api: TestApp): Promise<string[]> {
  return (await api.db.selectFrom('idempotency_keys').select('key').orderBy('key').execute()).map((r) => r.key)
}

async function backdate(api: TestApp, key: string, ageMs: number): Promise<void> {
  await api.db
    .updateTable('idempotency_keys')
    .set({ created_at: sql`now() - ${ageMs / 1000}::float8 * interval '1 second'` })
    .where('key', '=', key)
    .execute()
}

t.test('housekeeping prunes keys older than the default PT24H; younger ones still replay', async (t) => {
  const api = await buildTestApp(t)
  t.equal(api.config.policy.idempotency_retention, 24 * HOUR_MS)
  for (const key of ['day-old', 'hour-old', 'fresh']) t.equal((await postOrder(api, key)).statusCode, 201)
  await backdate(api, 'day-old', 24 * HOUR_MS + 60_000)
  await backdate(api, 'hour-old', HOUR_MS)

  await runHousekeeping(t, api, async () => !(await keys(api)).includes('day-old'))
  t.same(await keys(api), ['fresh', 'hour-old'], 'only the key past the retention went')

  const replay = await postOrder(api, 'hour-old')
  t.equal(replay.headers['idempotent-replayed'], 'true', 'a kept key replays')
  t.equal(replay.statusCode, 201)
  const again = await postOrder(api, 'day-old')
  t.equal(again.headers['idempotent-replayed'], undefined, 'a pruned key is a new request')
  t.equal(again.statusCode, 200, 'the order is updated, not created again')
})

t.test('the retention is a policy', async (t) => {
  const api = await buildTestApp(t, { idempotency_retention: 'PT1H' })
  for (const key of ['two-hours', 'minute']) t.equal((await postOrder(api, key)).statusCode, 201)
  await backdate(api, 'two-hours', 2 * HOUR_MS)
  await backdate(api, 'minute', 60_000)
  await runHousekeeping(t, api, async () => (await keys(api)).length === 1)
  t.same(await keys(api), ['minute'])
})
