// Throwaway databases for the bench scripts, and per-database write counters
// (rows inserted/updated per table, commits) read from Postgres statistics.
import pg from 'pg'

export const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/**
 * How the benches reach Postgres, for their header: a Unix-socket URL (host
 * percent-encoded as a directory, e.g. postgres://postgres@%2Fvar%2Frun%2Fpostgresql/postgres)
 * skips the TCP loopback stack on both ends of every query.
 */
export function transportOf(url: string = ADMIN_URL): string {
  const parsed = new URL(url)
  const host = decodeURIComponent(parsed.hostname) || parsed.searchParams.get('host') || ''
  return host.startsWith('/') ? `Unix socket in ${host}` : `TCP ${host}:${parsed.port || '5432'}`
}

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** Postgres backend pids serving `db` now (to meter their CPU). */
export async function backendPids(db: string): Promise<number[]> {
  return withClient(ADMIN_URL, async (c) => {
    const r = await c.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [db],
    )
    return r.rows.map((row) => row.pid)
  })
}

export async function dropDatabase(name: string): Promise<void> {
  await withClient(ADMIN_URL, (c) => c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`))
}

/** Drops `name` if it exists and creates it empty (or as a copy of `template`, which must have no sessions). */
export async function recreateDatabase(name: string, template?: string): Promise<void> {
  await withClient(ADMIN_URL, async (c) => {
    await c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`)
    await c.query(
      `create database ${pg.escapeIdentifier(name)}${template ? ` template ${pg.escapeIdentifier(template)}` : ''}`,
    )
  })
}

/** Flush dirty pages now so that no checkpoint lands inside a measured phase. */
export async function checkpoint(): Promise<void> {
  await withClient(ADMIN_URL, (c) => c.query('checkpoint')).catch(() => {
    // CHECKPOINT needs superuser (or pg_checkpoint); without it the phases are just noisier.
  })
}

export async function vacuumAnalyze(name: string): Promise<void> {
  await withClient(databaseUrl(name), (c) => c.query('vacuum analyze'))
}

export interface WriteCounters {
  commits: number
  rollbacks: number
  /** table → { ins, upd } */
  tables: Record<string, { ins: number; upd: number }>
}

/**
 * Cumulative counters of one database. Backends publish their counts lazily,
 * so read them after the server under test has closed its connections.
 */
export async function writeCounters(name: string): Promise<WriteCounters> {
  return withClient(databaseUrl(name), async (c) => {
    const db = await c.query<{ commits: string; rollbacks: string }>(
      'select xact_commit as commits, xact_rollback as rollbacks from pg_stat_database where datname = $1',
      [name],
    )
    const rows = await c.query<{ relname: string; ins: string; upd: string }>(
      'select relname, n_tup_ins as ins, n_tup_upd as upd from pg_stat_user_tables',
    )
    const tables: WriteCounters['tables'] = {}
    for (const r of rows.rows) tables[r.relname] = { ins: Number(r.ins), upd: Number(r.upd) }
    return { commits: Number(db.rows[0]?.commits ?? 0), rollbacks: Number(db.rows[0]?.rollbacks ?? 0), tables }
  })
}

/** Per-table inserts and updates between two readings, divided by `per` (nothing when `per` is 0). */
export function writesPer(before: WriteCounters, after: WriteCounters, per: number): Record<string, string> {
  const out: Record<string, string> = {}
  if (per <= 0) return out
  for (const [table, a] of Object.entries(after.tables).sort()) {
    const b = before.tables[table] ?? { ins: 0, upd: 0 }
    const ins = (a.ins - b.ins) / per
    const upd = (a.upd - b.upd) / per
    if (ins > 0.001 || upd > 0.001) out[table] = `+${ins.toFixed(2)} ins, ${upd.toFixed(2)} upd`
  }
  return out
}
