// Two API processes and two worker processes (`src/cli/start.ts api` and
// `workers`) on one Postgres database and one Redis Cluster: claims opened
// and acted on through both APIs, a storm of deadlines fired by both worker
// processes, one of them killed mid-storm. Every deadline is applied exactly
// once, every feed event reaches the webhook, and the periodic jobs (sweeper,
// housekeeping) run once per interval, not once per process.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { Queue } from 'bullmq'
import { signToken, type PrincipalRole } from '../../src/auth/principal.js'
import { workerConnection } from '../../src/jobs/connection.js'
import { CLUSTER_QUEUE_PREFIX } from '../../src/jobs/names.js'
import { GENEROUS_RATE_LIMITS } from '../helpers/app.js'
import { createTestDatabase } from '../helpers/database.js'
import { startReceiver } from '../webhooks/helpers.js'
import { startPrivateCluster } from '../workers/helpers/cluster.js'
import { waitFor } from '../workers/helpers/harness.js'
import { freePort } from '../workers/helpers/redis.js'

const START = fileURLToPath(new URL('../../src/cli/start.ts', import.meta.url))
const REPO = fileURLToPath(new URL('../../', import.meta.url))
const SECRET = 'processes-test-secret-0123456789abcdef'
const CLAIMS = 48
/** Long enough to open every claim before the first is due, on a loaded machine too. */
const SELLER_RESPONSE_S = 25
const SWEEP_MS = 2_000
const HOUSEKEEPING_MS = 10_000

t.test('two APIs and two worker processes on one database and one Redis Cluster', async (t) => {
  // About a minute on an idle machine; four processes starting at once on a busy one take longer.
  t.setTimeout(240_000)
  const cluster = await startPrivateCluster(t)
  const database = await createTestDatabase()
  const dir = mkdtempSync(path.join(tmpdir(), 'claimdesk-processes-'))
  const policyFile = path.join(dir, 'policy.json')
  writeFileSync(
    policyFile,
    JSON.stringify({ ...GENEROUS_RATE_LIMITS, seller_response: `PT${SELLER_RESPONSE_S}S`, sweep_interval: 'PT2S' }),
  )
  const children: ChildProcess[] = []
  t.teardown(async () => {
    const running = children.filter((c) => c.exitCode === null && c.signalCode === null)
    await Promise.all(
      running.map((c) => {
        const exited = new Promise((r) => c.once('exit', r))
        c.kill('SIGKILL')
        return exited
      }),
    )
    await database.drop()
    rmSync(dir, { recursive: true, force: true })
  })

  const spawnRole = async (role: 'api' | 'workers'): Promise<{ child: ChildProcess; url: string }> => {
    const port = role === 'api' ? await freePort() : 0
    const child = spawn(process.execPath, ['--import', 'tsx', START, role], {
      cwd: REPO,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: database.url,
        ...cluster.env,
        POLICY_FILE: policyFile,
        JWT_SECRET: SECRET,
        PSEUDONYM_SECRET: `${SECRET}-pseudonyms`,
        WEBHOOK_ALLOW_PRIVATE: 'true',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: role === 'workers' ? 'info' : 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.push(child)
    const url = `http://127.0.0.1:${port}`
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      if (out.length < 100_000) out += chunk.toString()
    })
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`${role} process exited early (${code}): ${out.slice(-2000)}`))),
    )
    exited.catch(() => {})
    const ready =
      role === 'api'
        ? waitFor(
            'the API to be ready',
            async () => ((await fetch(`${url}/readyz`).catch(() => null))?.status === 200 ? true : undefined),
            // Four processes compiling TypeScript at once on two cores take a while.
            150_000,
            200,
          )
        : waitFor(
            'the workers to start',
            async () => (out.includes('workers started') ? true : undefined),
            150_000,
            100,
          )
    await Promise.race([ready, exited])
    return { child, url }
  }

  const [apiA, apiB, workersA, workersB] = await Promise.all([
    spawnRole('api'),
    spawnRole('api'),
    spawnRole('workers'),
    spawnRole('workers'),
  ])
  const apis = [apiA.url, apiB.url]
  const call = async (api: string, as: [PrincipalRole, string], method: string, url: string, body?: unknown) => {
    const res = await fetch(`${api}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${signToken(SECRET, { role: as[0], id: as[1] })}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (res.status >= 300) throw new Error(`${method} ${url} via ${api}: ${res.status} ${text}`)
    return JSON.parse(text)
  }

  const receiver = await startReceiver(t)
  await call(apis[0] as string, ['service', 'marketplace'], 'POST', '/v1/webhooks', {
    url: receiver.url,
    event_types: ['*'],
  })

  // Claims opened through one API and acted on through the other; every third is asked for more
  // information by its seller (its seller_response deadline is cancelled), the rest fall due together.
  const opened: { id: string; asked: boolean }[] = []
  const openOne = async (i: number) => {
    const [api, other] = i % 2 ? [apis[1], apis[0]] : [apis[0], apis[1]]
    const seller = `shop-${i % 5}`
    const buyer = `buyer-${i}`
    await call(api as string, ['service', 'marketplace'], 'POST', '/v1/orders', {
      id: `ord-${i}`,
      buyer_id: buyer,
      seller_id: seller,
      scheme: 'FBS',
      delivered_at: new Date(Date.now() - 86_400_000).toISOString(),
      lines: [{ id: 'l1', sku: 'SKU-KETTLE', title: 'Electric kettle', quantity: 1, unit_price: 250_000 }],
    })
    const claim = await call(other as string, ['buyer', buyer], 'POST', '/v1/claims', {
      order_id: `ord-${i}`,
      line_id: 'l1',
      reason: 'not_as_described',
      description: 'The kettle leaks from the bottom seam after two uses.',
      requested_resolution: 'refund',
    })
    const asked = i % 3 === 0
    if (asked) {
      const acted = await call(api as string, ['seller', seller], 'POST', `/v1/claims/${claim.id}/actions`, {
        action: 'request_info',
        comment: 'Please send a photo of the seam.',
      })
      if (acted.state !== 'awaiting_buyer_info') throw new Error(`unexpected state ${acted.state}`)
    }
    opened.push({ id: claim.id, asked })
  }
  const openedAt = Date.now()
  for (let i = 0; i < CLAIMS; i += 6) await Promise.all([0, 1, 2, 3, 4, 5].map((k) => openOne(i + k)))
  t.ok(
    Date.now() - openedAt < SELLER_RESPONSE_S * 1000,
    `${CLAIMS} claims opened in ${Date.now() - openedAt} ms, before the first is due`,
  )
  const storm = opened.filter((c) => !c.asked).map((c) => c.id)

  const expired = async () =>
    Number(
      (
        await database.db
          .selectFrom('claim_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('action', '=', 'deadline_expired')
          .executeTakeFirstOrThrow()
      ).n,
    )
  // Mid-storm: some applied, not all. One worker process dies without a word.
  const firstBatch = await waitFor(
    'the storm to begin',
    async () => {
      const n = await expired()
      return n >= 5 ? n : undefined
    },
    40_000,
    20,
  )
  workersA.child.kill('SIGKILL')
  t.ok(firstBatch < storm.length, `one worker process killed after ${firstBatch} of ${storm.length} deadlines`)

  await waitFor(
    'every due deadline applied',
    async () => ((await expired()) >= storm.length ? true : undefined),
    60_000,
    200,
  )
  t.equal(workersB.child.exitCode, null, 'the other worker process finished the storm')
  const counts = await database.db
    .selectFrom('claim_events')
    .select(['claim_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('action', '=', 'deadline_expired')
    .groupBy('claim_id')
    .execute()
  const byClaim = new Map(counts.map((r) => [r.claim_id, Number(r.n)]))
  t.same(
    storm.filter((id) => byClaim.get(id) !== 1),
    [],
    'every claim whose deadline fell due has exactly one deadline_expired event',
  )
  t.same(
    opened.filter((c) => c.asked && byClaim.has(c.id)).map((c) => c.id),
    [],
    'no cancelled deadline fired',
  )
  const states = await database.db
    .selectFrom('claims')
    .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('state')
    .execute()
  t.same(
    Object.fromEntries(states.map((s) => [s.state, Number(s.n)])),
    { escalated: storm.length, awaiting_buyer_info: CLAIMS - storm.length },
    'the claims are where their deadlines took them',
  )

  // Every feed event reaches the webhook (at least once: a delivery the killed process had in flight is sent again).
  const feed = await database.db.selectFrom('feed_events').select('id').execute()
  const deliveredIds = () => receiver.received.map((r) => String((JSON.parse(r.body) as { id: unknown }).id))
  await waitFor(
    'every feed event delivered',
    async () => (new Set(deliveredIds()).size >= feed.length ? true : undefined),
    30_000,
    200,
  )
  const delivered = deliveredIds()
  t.same(
    feed.map((f) => String(f.id)).filter((id) => !delivered.includes(id)),
    [],
    `all ${feed.length} feed events delivered`,
  )
  const duplicates = delivered.length - new Set(delivered).size
  t.ok(duplicates <= 16, `${duplicates} sent twice (at most the killed process's deliveries in flight)`)

  // The periodic jobs ran once per interval across both processes, not once per process.
  const connection = workerConnection(cluster.target)
  const maintenance = new Queue('maintenance', { connection, prefix: CLUSTER_QUEUE_PREFIX })
  t.teardown(async () => {
    await maintenance.close()
    connection.disconnect()
  })
  t.equal((await maintenance.getJobSchedulers()).length, 2, 'one sweeper and one housekeeping scheduler')
  const completed = await maintenance.getJobs(['completed'], 0, -1)
  const since = openedAt
  const window = Date.now() - since
  const ran = (name: string) => completed.filter((j) => j.name === name && (j.finishedOn ?? 0) >= since).length
  t.ok(
    ran('sweep') <= window / SWEEP_MS + 2,
    `${ran('sweep')} sweeps in ${window} ms (one per ${SWEEP_MS} ms would be ${Math.floor(window / SWEEP_MS)})`,
  )
  t.ok(ran('sweep') >= window / SWEEP_MS / 2, 'and the sweeper did run')
  t.ok(
    ran('housekeep') <= window / HOUSEKEEPING_MS + 2,
    `${ran('housekeep')} housekeeping rounds in ${window} ms (one per ${HOUSEKEEPING_MS} ms)`,
  )
})
