// DATABASE_READ_URL: the heavy reads (claim lists, the arbiter queue, sellers'
// statistics and CSV export) are served by a real streaming replica; a
// caller's own change is read from the primary however far the replica lags;
// a replica too far behind, or dead, hands its reads to the primary with a
// warning, never an error.
import t from 'tap'
import { createDb } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { replicaReads } from '../../src/db/read-routing.js'
import { metricsRegistry } from '../../src/http/metrics.js'
import type { Logger } from '../../src/shared/logger.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'
import { escalatedClaim } from '../arbiter/helpers/app.js'
import { startPrimaryAndReplica } from '../workers/helpers/replica.js'

const SELLER = 'shop-1'

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  const noop = () => {}
  return { warnings, debug: noop, info: noop, error: noop, warn: (_obj, msg) => void warnings.push(msg ?? '') }
}

const ids = (res: { json: () => { items: { id: string }[] } }) => res.json().items.map((i) => i.id)

async function views(app: TestApp) {
  app.clock.advance(1_000) // statistics cover [from, now): a claim opened at this very instant is not in yet
  const as = ['seller', SELLER] as const
  const list = await app.call([...as], { method: 'GET', url: '/v1/claims?limit=100' })
  const stats = await app.call([...as], { method: 'GET', url: '/v1/sellers/me/stats' })
  const csv = await app.call([...as], { method: 'GET', url: '/v1/sellers/me/claims.csv' })
  const queue = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/arbiter/queue?assignee=unassigned' })
  for (const res of [list, stats, csv, queue])
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  return {
    list: new Map(list.json().items.map((i: { id: string; state: string }) => [i.id, i.state])),
    claims: stats.json().claims as number,
    csvRows: csv.body.trim().split('\r\n').length - 1,
    csvHas: (id: string) => csv.body.includes(id),
    queue: ids(queue),
  }
}

t.test('reads through a streaming replica', async (t) => {
  const { primary, replica } = await startPrimaryAndReplica(t)
  const primaryDb = createDb(primary.url)
  await migrateToLatest(primaryDb)
  await replica.caughtUp()
  const replicaDb = createDb(replica.url)
  const log = recordingLogger()
  const readDb = replicaReads(primaryDb, replicaDb, { log, probeMs: 200, cooldownMs: 60_000 })
  t.teardown(() => readDb.close())
  const app = await buildTestApp(t, {}, { database: { url: primary.url, db: primaryDb }, readDb })

  const escalated = await escalatedClaim(app)
  const order = await registerOrder(app, { seller: SELLER })
  const waiting = (await openClaim(app, order)).id as string
  await replica.caughtUp()
  const before = await views(app)
  t.equal(before.list.get(waiting), 'awaiting_seller')
  t.same(before.queue, [escalated], 'the arbiter queue, from the caught-up replica')
  t.equal(readDb.target, 'replica')

  await t.test('a lagging replica serves the heavy reads, never the caller’s own change', async (t) => {
    await replica.pauseReplay()
    // The seller acts: the answer, a read of the claim and a replay of the same request all see the change.
    const key = { 'idempotency-key': 'ask-for-photo-1' }
    const payload = { action: 'request_info', comment: 'Please send a photo of the seam.' }
    const acted = await act(app, ['seller', SELLER], waiting, payload, key)
    t.equal(acted.statusCode, 200, acted.body)
    t.equal(acted.json().state, 'awaiting_buyer_info')
    const read = await app.call(['seller', SELLER], { method: 'GET', url: `/v1/claims/${waiting}` })
    t.equal(read.json().state, 'awaiting_buyer_info', 'the claim read after the action is the primary’s')
    const replay = await act(app, ['seller', SELLER], waiting, payload, key)
    t.equal(replay.statusCode, 200)
    t.same(replay.json(), acted.json(), 'the idempotent replay answers from the primary')
    const events = await app.call(['seller', SELLER], { method: 'GET', url: `/v1/claims/${waiting}/events` })
    t.ok(
      events.json().items.some((e: { action: string }) => e.action === 'request_info'),
      'its audit trail too',
    )
    // A new claim and an arbiter's take, also unseen by the paused replica.
    const fresh = (await openClaim(app, await registerOrder(app, { seller: SELLER }))).id as string
    t.equal((await act(app, ['arbiter', 'arb-1'], escalated, { action: 'take' })).statusCode, 200)

    const lagging = await views(app)
    t.equal(lagging.list.get(waiting), 'awaiting_seller', 'the list is the replica’s: the change is not there yet')
    t.notOk(lagging.list.has(fresh), 'nor the new claim')
    t.equal(lagging.claims, before.claims, 'the statistics are the replica’s')
    t.notOk(lagging.csvHas(fresh), 'and so is the export')
    t.same(lagging.queue, [escalated], 'the arbiter queue still lists the taken claim as unassigned')

    await replica.resumeReplay()
    await replica.caughtUp()
    const after = await views(app)
    t.equal(after.list.get(waiting), 'awaiting_buyer_info', 'once replayed, the list has the change')
    t.ok(after.list.has(fresh))
    t.equal(after.claims, before.claims + 1)
    t.equal(after.csvRows, before.csvRows + 1)
    t.same(after.queue, [], 'and the queue the take')
    t.same(log.warnings, [], 'no warning while the replica worked')
  })

  await t.test('a replica further behind than maxLagMs hands its reads to the primary', async (t) => {
    const strict = replicaReads(primaryDb, createDb(replica.url), { probeMs: 100, maxLagMs: 500 })
    t.teardown(() => strict.close())
    await new Promise((r) => setTimeout(r, 300))
    t.equal(strict.target, 'replica')
    await replica.pauseReplay()
    await openClaim(app, await registerOrder(app, { seller: SELLER }))
    await new Promise((r) => setTimeout(r, 1_200))
    t.equal(strict.target, 'primary', 'lagging by more than 500 ms')
    t.equal(await strict.run(async (db) => db), primaryDb, 'its reads run on the primary')
    await replica.resumeReplay()
    await replica.caughtUp()
    await new Promise((r) => setTimeout(r, 400))
    t.equal(strict.target, 'replica', 'caught up, the replica serves again')
  })

  await t.test('a killed replica: the reads go to the primary with a warning, not errors', async (t) => {
    await replica.caughtUp()
    const expected = await views(app)
    await replica.kill()
    const fresh = (await openClaim(app, await registerOrder(app, { seller: SELLER }))).id as string
    const failedOver = await views(app) // throws on any status but 200
    t.ok(failedOver.list.has(fresh), 'the list is the primary’s now, the newest claim in it')
    t.equal(failedOver.claims, expected.claims + 1)
    t.ok(failedOver.csvHas(fresh))
    t.equal(readDb.target, 'primary')
    t.ok(log.warnings.length >= 1, `a warning was logged (${log.warnings[0]})`)
    t.match(await metricsRegistry.getSingleMetricAsString('claimdesk_read_replica_up'), /claimdesk_read_replica_up 0/)
  })
})
