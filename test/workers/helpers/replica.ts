// A private PostgreSQL primary and a streaming replica of it made with
// `pg_basebackup -R` (hot standby on a port of its own). The primary is
// private because replication needs a pg_hba `replication` entry, which
// initdb's trust setup has and a shared server need not have.
import assert from 'node:assert/strict'
import { mkdtempSync, chmodSync, chownSync, rmSync } from 'node:fs'
import { execFile } from 'node:child_process'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import type { Test } from 'tap'
import { asPostgres, BIN, startPrivatePostgres, type PrivatePostgres } from './postgres.js'
import { freePort } from './redis.js'

const run = promisify(execFile)

export interface PrivateReplica {
  url: string
  /** Stops it at once (pg_ctl -m immediate), as a crash would. */
  kill(): Promise<void>
  /** Holds WAL replay: the replica keeps answering, ever further behind. */
  pauseReplay(): Promise<void>
  resumeReplay(): Promise<void>
  /** Waits until it has replayed everything the primary had written when called. */
  caughtUp(timeoutMs?: number): Promise<void>
}

/*
 * The private primary commits asynchronously (synchronous_commit=off), so a
 * commit that has returned may still sit in the WAL buffers, past
 * pg_current_wal_lsn(). A transaction of our own that commits synchronously
 * flushes the WAL up to its commit record, and so every commit before it;
 * the write location read after it covers them all.
 */
async function flushedUpToNow(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  await client.connect()
  try {
    await client.query('set synchronous_commit = on')
    await client.query('select pg_current_xact_id()') // an xid, so its commit writes (and flushes) a record
    return (await client.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]!.lsn
  } finally {
    await client.end()
  }
}

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  await client.connect()
  try {
    return (await client.query(text)).rows as T[]
  } finally {
    await client.end()
  }
}

export async function startPrimaryAndReplica(t: Test): Promise<{ primary: PrivatePostgres; replica: PrivateReplica }> {
  const primary = await startPrivatePostgres(t)
  const primaryPort = new URL(primary.url).port
  const port = await freePort()
  const root = mkdtempSync(path.join(tmpdir(), 'claimdesk-replica-'))
  chmodSync(root, 0o755)
  if (process.getuid?.() === 0) {
    const { stdout: uid } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    chownSync(root, Number(uid.trim()), Number(gid.trim()))
  }
  const dir = path.join(root, 'data')
  await asPostgres([
    `${BIN}/pg_basebackup`,
    '-h',
    '127.0.0.1',
    '-p',
    primaryPort,
    '-U',
    'postgres',
    '-D',
    dir,
    '-R',
    '-X',
    'stream',
    // An immediate checkpoint: the default spread one can take minutes.
    '--checkpoint=fast',
    '--no-sync',
  ])
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c hot_standby=on`
  await asPostgres([`${BIN}/pg_ctl`, '-D', dir, '-o', options, '-l', path.join(root, 'log'), '-w', 'start'])
  const stop = (mode: string) => asPostgres([`${BIN}/pg_ctl`, '-D', dir, '-m', mode, '-w', 'stop'])
  t.teardown(async () => {
    await stop('immediate').catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })
  const url = `postgres://postgres@127.0.0.1:${port}/claimdesk`
  const [{ standby } = { standby: false }] = await query<{ standby: boolean }>(
    url,
    'select pg_is_in_recovery() as standby',
  )
  assert.ok(standby, 'the replica is not in recovery')

  const replica: PrivateReplica = {
    url,
    kill: () => stop('immediate'),
    pauseReplay: async () => void (await query(url, 'select pg_wal_replay_pause()')),
    resumeReplay: async () => void (await query(url, 'select pg_wal_replay_resume()')),
    async caughtUp(timeoutMs = 10_000) {
      const lsn = await flushedUpToNow(primary.url)
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const [row] = await query<{ done: boolean }>(url, `select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn as done`)
        if (row?.done) return
        assert.ok(Date.now() <= deadline, `replica did not replay up to ${lsn} in ${timeoutMs} ms`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
  }
  return { primary, replica }
}
