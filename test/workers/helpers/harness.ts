// A test app on real time with its own database and a private Redis (one
// server, or a three-master cluster), plus the workers in-process or as
// separate processes. The deadline suites take the backend as a parameter.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import { Queue } from 'bullmq'
import type { PolicyFile } from '../../../src/config/policy.js'
import type { Config } from '../../../src/config/config.js'
import { queuePrefixFor, workerConnection } from '../../../src/jobs/connection.js'
import type { ClaimDeadlinesService } from '../../../src/domain/claims/claim-deadlines.service.js'
import { startWorkers, type RunningWorkers } from '../../../workers/index.js'
import { buildTestApp, type TestApp } from '../../helpers/app.js'
import { startPrivateCluster, type PrivateCluster } from './cluster.js'
import { startPrivateRedis, type PrivateRedis, type RedisUnderTest } from './redis.js'

export type Backend = 'single' | 'cluster'
type RedisOf<B extends Backend> = B extends 'cluster' ? PrivateCluster : PrivateRedis

export interface Harness<R extends RedisUnderTest = PrivateRedis> {
  app: TestApp
  redis: R
  /** The app's config pointed at the private Redis. */
  config: Config
  /** The BullMQ key prefix for that Redis ({claimdesk} on a cluster). */
  prefix: string
  deadlines: ClaimDeadlinesService
  /** Producer-side handle on the deadline queue of the private Redis. */
  queue: Queue
  startWorkers(): Promise<RunningWorkers>
  /** The workers in a separate `tsx` process; resolves once it reports ready. */
  spawnWorkerProcess(): Promise<ChildProcess>
}

const WORKER_ENTRY = fileURLToPath(new URL('../../../workers/main.ts', import.meta.url))
const REPO = fileURLToPath(new URL('../../../', import.meta.url))

export async function harness<B extends Backend = 'single'>(
  t: Test,
  policy: PolicyFile,
  opts: { aof?: boolean; backend?: B } = {},
): Promise<Harness<RedisOf<B>>> {
  const app = await buildTestApp(t, policy)
  // Workers run on real time, so the API must too.
  app.clock.now = () => Date.now()
  const redis = (
    opts.backend === 'cluster' ? await startPrivateCluster(t) : await startPrivateRedis(t, opts)
  ) as RedisOf<B>
  const config: Config = { ...app.config, ...redis.target }
  const deadlines = app.services.claimDeadlines
  const connection = workerConnection(redis.target)
  connection.on('error', () => {})
  const prefix = queuePrefixFor(redis.target)
  const queue = new Queue('deadlines', { connection, prefix })
  queue.on('error', () => {}) // the outage tests make it fail on purpose
  const running: RunningWorkers[] = []
  const children: ChildProcess[] = []
  const dir = mkdtempSync(path.join(tmpdir(), 'claimdesk-workers-'))
  const policyFile = path.join(dir, 'policy.json')
  writeFileSync(policyFile, JSON.stringify(policy))

  t.teardown(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await Promise.all(running.map((w) => w.close()))
    await queue.close()
    connection.disconnect()
    rmSync(dir, { recursive: true, force: true })
  })

  return {
    app,
    redis,
    config,
    prefix,
    deadlines,
    queue,
    async startWorkers() {
      const workers = await startWorkers({ config, db: app.db, clock: app.clock })
      running.push(workers)
      return workers
    },
    async spawnWorkerProcess() {
      // node with tsx's loader, not the tsx CLI: the CLI is a parent process, and SIGKILL must hit the worker itself.
      const child = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY], {
        cwd: REPO,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: app.databaseUrl,
          ...redis.env,
          POLICY_FILE: policyFile,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      children.push(child)
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('worker process did not become ready in 30 s')), 30_000)
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('workers-ready')) {
            clearTimeout(timer)
            resolve()
          }
        })
        child.once('exit', (code) => {
          clearTimeout(timer)
          reject(new Error(`worker process exited early (${code})`))
        })
      })
      return child
    },
  }
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
