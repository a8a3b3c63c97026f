// A private PostgreSQL cluster on a free port (initdb + pg_ctl as the postgres
// user), so a test can stop and restart it without touching the shared server.
import { execFile } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Teardown } from '../../helpers/ports.js'
import pg from 'pg'
import { freePort } from './redis.js'

const run = promisify(execFile)
export const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'

export interface PrivatePostgres {
  url: string
  stop(): Promise<void>
  start(): Promise<void>
}

export async function asPostgres(args: string[]): Promise<void> {
  // initdb refuses to run as root.
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', ...args], { timeout: 60_000 })
  else await run(args[0] as string, args.slice(1), { timeout: 60_000 })
}

export async function startPrivatePostgres(t: Teardown): Promise<PrivatePostgres> {
  const port = await freePort()
  const root = mkdtempSync(path.join(tmpdir(), 'claimdesk-pg-'))
  chmodSync(root, 0o755)
  const dir = path.join(root, 'data')
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    chownSync(root, Number(stdout.trim()), Number(gid.trim()))
  }
  await asPostgres([`${BIN}/initdb`, '-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`
  const start = () =>
    asPostgres([`${BIN}/pg_ctl`, '-D', dir, '-o', options, '-l', path.join(root, 'log'), '-w', 'start'])
  const stop = () => asPostgres([`${BIN}/pg_ctl`, '-D', dir, '-m', 'fast', '-w', 'stop'])
  await start()
  const url = `postgres://postgres@127.0.0.1:${port}/claimdesk`
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` })
  await admin.connect()
  await admin.query('create database claimdesk')
  await admin.end()
  t.teardown(async () => {
    await stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })
  return { url, stop, start }
}
