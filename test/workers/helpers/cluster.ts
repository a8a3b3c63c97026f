// A private Redis Cluster per test: three masters on free loopback ports
// (cluster-enabled, no persistence), joined by `redis-cli --cluster create`.
// Tests may flush every master, or stop and restart one, without touching
// anybody else's Redis.
import assert from 'node:assert/strict'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Teardown } from '../../helpers/ports.js'
import { Redis } from 'ioredis'
import { freePort, type RedisUnderTest } from './redis.js'

const run = promisify(execFile)

export interface PrivateCluster extends RedisUnderTest {
  kind: 'cluster'
  ports: number[]
  /** The port of the master that serves `key`'s slot. */
  masterOf(key: string): Promise<number>
  /** Stops one master (SHUTDOWN NOSAVE: its data is gone) and waits until it is down. */
  stopMaster(port: number): Promise<void>
  /** Starts a stopped master again; it rejoins with its slots (from its nodes.conf) and waits for cluster_state:ok. */
  startMaster(port: number): Promise<void>
}

/** One short-lived admin connection to one node that never retries. */
async function nodeCommand<T>(port: number, name: string, ...args: (string | number)[]): Promise<T> {
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
    return (await client.call(name, ...args)) as T
  } finally {
    client.disconnect()
  }
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  assert.fail(`redis cluster: timed out waiting for ${what}`)
}

const clusterOk = (port: number) => async () =>
  /cluster_state:ok/.test(await nodeCommand<string>(port, 'CLUSTER', 'INFO'))

export async function startPrivateCluster(t: Teardown, masters = 3): Promise<PrivateCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'claimdesk-cluster-'))
  const ports: number[] = []
  const busPorts: number[] = []
  for (let i = 0; i < masters; i++) {
    ports.push(await freePort())
    // An explicit bus port: the default (port + 10000) may not be free or even valid.
    busPorts.push(await freePort())
  }
  const children = new Map<number, ChildProcess>()

  const args = (port: number, bus: number) => [
    '--port',
    String(port),
    '--cluster-port',
    String(bus),
    '--bind',
    '127.0.0.1',
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    path.join(dir, `nodes-${port}.conf`),
    // A master that stops answering is marked failed in 2 s, not the default 15 s.
    '--cluster-node-timeout',
    '2000',
    '--save',
    '',
    '--appendonly',
    'no',
    '--maxmemory-policy',
    'noeviction',
    '--dir',
    dir,
    '--daemonize',
    'no',
  ]

  const startNode = async (port: number) => {
    const bus = busPorts[ports.indexOf(port)] as number
    const child = spawn('redis-server', args(port, bus), { stdio: 'ignore' })
    children.set(port, child)
    await until(`node ${port} to answer`, async () => (await nodeCommand(port, 'PING')) === 'PONG', 10_000)
  }

  const stopNode = async (port: number) => {
    const child = children.get(port)
    children.delete(port)
    if (!child || child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    await nodeCommand(port, 'SHUTDOWN', 'NOSAVE').catch(() => {}) // the connection drops as it exits
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))])
    if (child.exitCode === null) child.kill('SIGKILL')
  }

  t.teardown(async () => {
    await Promise.all([...children.keys()].map(stopNode))
    rmSync(dir, { recursive: true, force: true })
  })

  await Promise.all(ports.map(startNode))
  await run(
    'redis-cli',
    ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
    { timeout: 30_000 },
  )
  for (const port of ports) await until(`cluster_state:ok on ${port}`, clusterOk(port))

  const forEachMaster = <T>(fn: (port: number) => Promise<T>) => Promise.all(ports.map(fn))

  return {
    kind: 'cluster',
    ports,
    target: { redisUrl: `redis://127.0.0.1:${ports[0]}`, redisCluster: clusterTarget(ports) },
    env: { REDIS_CLUSTER_NODES: ports.map((p) => `127.0.0.1:${p}`).join(',') },
    async flushAll() {
      await forEachMaster((port) => nodeCommand(port, 'FLUSHALL'))
    },
    async dbSize() {
      const sizes = await forEachMaster((port) => nodeCommand<number>(port, 'DBSIZE'))
      return sizes.reduce((a, b) => a + Number(b), 0)
    },
    async masterOf(key) {
      const slot = await nodeCommand<number>(ports[0] as number, 'CLUSTER', 'KEYSLOT', key)
      const slots = await nodeCommand<[number, number, [string, number]][]>(ports[0] as number, 'CLUSTER', 'SLOTS')
      const owner = slots.find(([from, to]) => slot >= from && slot <= to)
      assert.ok(owner, `no master serves slot ${slot}`)
      return Number(owner[2][1])
    },
    async stopMaster(port) {
      await stopNode(port)
      // Registered now, so it runs before the teardowns registered earlier (the
      // workers'): if the test fails while this master is away, it comes back
      // first, and closing the workers does not wait forever on its slots.
      t.teardown(async () => {
        if (!children.has(port)) await startNode(port).catch(() => {})
      })
    },
    async startMaster(port) {
      await startNode(port)
      for (const p of ports) await until(`cluster_state:ok on ${p} after restarting ${port}`, clusterOk(p))
    },
  }
}

function clusterTarget(ports: number[]) {
  return {
    nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    username: undefined,
    password: undefined,
    tls: false,
  }
}
