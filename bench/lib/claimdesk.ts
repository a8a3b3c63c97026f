// Claimdesk-specific bench helpers: start the real API, register orders.
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { databaseUrl } from './pg-admin.js'
import { freePort, startServer, waitReady, type ServerProcess } from './processes.js'
import type { HttpClient } from './http-load.js'
import { RATE_LIMIT_KEYS } from '../../src/config/policy.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The bench API's /metrics bearer token (production mode requires one). */
export const BENCH_METRICS_TOKEN = 'claimdesk-bench-metrics-token-not-for-production'

/** The benches measure throughput, not the rate limits: a policy file that takes every limit out of the way. */
function unlimitedPolicyFile(): string {
  const file = path.join(tmpdir(), `claimdesk-bench-policy-${process.pid}.json`)
  const limits = Object.fromEntries(RATE_LIMIT_KEYS.map((key) => [key, { max: 1_000_000_000, window: 'PT1M' }]))
  writeFileSync(file, JSON.stringify(limits))
  return file
}

/** The API as a user runs it (`start.ts api`), against `db`, logging warnings only. */
export async function startClaimdeskApi(opts: {
  db: string
  redisUrl: string
  jwtSecret: string
  nodeArgs: string[]
  /** More environment, e.g. STORAGE_DIR. */
  env?: NodeJS.ProcessEnv
}): Promise<ServerProcess> {
  const port = await freePort()
  const server = startServer({
    name: 'API',
    args: opts.nodeArgs,
    cwd: ROOT,
    port,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl(opts.db),
      REDIS_URL: opts.redisUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      JWT_SECRET: opts.jwtSecret,
      // Production mode wants a pseudonym key of its own.
      PSEUDONYM_SECRET: `${opts.jwtSecret}-pseudonyms`,
      METRICS_TOKEN: BENCH_METRICS_TOKEN,
      POLICY_FILE: unlimitedPolicyFile(),
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
  })
  await waitReady(server, '/readyz')
  return server
}

/** Registers one delivered single-line order (as the marketplace service would). */
export async function registerBenchOrder(
  client: Pick<HttpClient, 'request'>,
  order: { id: string; buyer: string; seller: string; deliveredAt: string },
  serviceAuth: string,
): Promise<void> {
  const res = await client.request(
    'POST',
    '/v1/orders',
    {
      id: order.id,
      buyer_id: order.buyer,
      seller_id: order.seller,
      scheme: 'FBS',
      delivered_at: order.deliveredAt,
      lines: [{ id: 'l1', sku: 'SKU-KETTLE', title: 'Electric kettle', quantity: 1, unit_price: 250_000 }],
    },
    { authorization: serviceAuth },
  )
  if (res.status !== 201) throw new Error(`order registration failed: ${res.status} ${res.body}`)
}
