// A private redis-server per test, on a free loopback port (PRIVATE_PORTS, test/helpers/ports.ts): tests may flush,
// stop and restart it without touching the shared Redis on 6379.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Teardown } from '../../helpers/ports.js'
import { Redis } from 'ioredis'
import type { RedisTarget } from '../../../src/jobs/connection.js'
import { freePort } from '../../helpers/ports.js'

export { freePort }

/** What the deadline suites need of the Redis they run on: one server or a cluster. */
export interface RedisUnderTest {
  kind: 'single' | 'cluster'
  /** The config's Redis settings pointing at it. */
  target: RedisTarget
  /** The same for a child process's environment (REDIS_URL or REDIS_CLUSTER_NODES). */
  env: Record<string, string>
  /** FLUSHALL on every master. */
  flushAll(): Promise<void>
  /** Keys on all masters together. */
  dbSize(): Promise<number>
}

export interface PrivateRedis extends RedisUnderTest {
  kind: 'single'
  url: string
  port: number
  /** A short-lived admin client call (FLUSHALL, INFO...) that never retries. */
  command<T = unknown>(name: string, ...args: (string | number)[]): Promise<T>
  stop(): Promise<void>
  start(): Promise<void>
  /** SIGSTOP: connections stay open but nothing answers, as with a hung server. */
  pause(): void
  /** SIGCONT after pause(). */
  resume(): void
}

export async function startPrivateRedis(t: Teardown, opts: { aof?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort()
  const dir = mkdtempSync(path.join(tmpdir(), 'claimdesk-redis-'))
  let child: ChildProcess | undefined
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    opts.aof ? 'yes' : 'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--maxmemory-policy',
    'noeviction',
  ]

  const command = async <T>(name: string, ...rest: (string | number)[]): Promise<T> => {
    const client = new Redis({
      port,
      host: '127.0.0.1',
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    })
    client.on('error', () => {})
    try {
      await client.connect()
      return (await client.call(name, ...rest)) as T
    } finally {
      client.disconnect()
    }
  }

  const start = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' })
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      if (
        await command('PING').then(
          () => true,
          () => false,
        )
      )
        return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`private redis on ${port} did not start`)
  }

  const stop = async () => {
    const proc = child
    child = undefined
    if (!proc || proc.exitCode !== null) return
    proc.kill('SIGCONT') // a paused server would not act on SIGTERM
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill('SIGTERM') // redis-server shuts down cleanly on SIGTERM (fsyncs the AOF)
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))])
    if (proc.exitCode === null) proc.kill('SIGKILL')
  }

  await start()
  t.teardown(async () => {
    await stop()
    rmSync(dir, { recursive: true, force: true })
  })
  const pause = () => void child?.kill('SIGSTOP')
  const resume = () => void child?.kill('SIGCONT')
  const url = `redis://127.0.0.1:${port}`
  return {
    kind: 'single',
    url,
    target: { redisUrl: url, redisCluster: undefined },
    env: { REDIS_URL: url },
    async flushAll() {
      await command('FLUSHALL')
    },
    dbSize: async () => Number(await command('DBSIZE')),
    port,
    command,
    stop,
    start,
    pause,
    resume,
  }
}
