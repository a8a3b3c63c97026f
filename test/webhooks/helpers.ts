// A real HTTP receiver on 127.0.0.1, and the webhook workers on a Redis key
// prefix of this test's own.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { startWebhookWorkers, WEBHOOK_QUEUE, type StartWebhookWorkersOptions } from '../../workers/webhooks.js'
import { REDIS_URL } from '../helpers/app.js'
import type { FeedTestApp } from '../feed/helpers/app.js'

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  status: number
}

export interface Receiver {
  url: string
  received: Received[]
  /** The status to answer the next request with (called per request). */
  respond: (n: number) => number
}

export async function startReceiver(t: Test, respond: (n: number) => number = () => 200): Promise<Receiver> {
  const receiver: Receiver = { url: '', received: [], respond }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const status = receiver.respond(receiver.received.length + 1)
      receiver.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status })
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return receiver
}

export async function startWorkers(t: Test, app: FeedTestApp, opts: Partial<StartWebhookWorkersOptions> = {}) {
  const prefix = `cdt-wh-${randomBytes(4).toString('hex')}`
  const workers = await startWebhookWorkers({
    config: app.config,
    db: app.db,
    prefix,
    backoffMs: 50,
    pollMs: 50,
    allowPrivate: true,
    ...opts,
  })
  t.teardown(async () => {
    await workers.close()
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null })
    const queue = new Queue(WEBHOOK_QUEUE, { connection, prefix })
    await queue.obliterate({ force: true })
    await queue.close()
    connection.disconnect()
  })
  return workers
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined && v !== false) return v
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export async function register(
  app: FeedTestApp,
  as: ['seller' | 'service', string],
  url: string,
  eventTypes: string[] = ['*'],
) {
  const res = await app.call(as, { method: 'POST', url: '/v1/webhooks', payload: { url, event_types: eventTypes } })
  if (res.statusCode !== 201) throw new Error(`register: ${res.statusCode} ${res.body}`)
  return res.json()
}

export async function deliveries(app: FeedTestApp, as: ['seller' | 'service', string], id: string) {
  const res = await app.call(as, { method: 'GET', url: `/v1/webhooks/${id}/deliveries` })
  if (res.statusCode !== 200) throw new Error(`deliveries: ${res.statusCode} ${res.body}`)
  return res.json().items as any[]
}
