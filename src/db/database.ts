// The Kysely instance over a pg pool, plus the start-up helpers that make sure
// the database exists and answers.
import pg from 'pg'
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely'
import type { Database } from './schema.js'
import { preparingPool } from './prepared.js'

export type Db = Kysely<Database>
export type Tx = Transaction<Database>
/** Repositories accept either the pool or a transaction. */
export type DbOrTx = Db | Tx

export function createDb(url: string, options: { max?: number; preparedStatements?: boolean } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    // A statement stuck behind a lock must not hold a request forever.
    statement_timeout: 15_000,
  })
  // An idle client losing its server (Postgres restart) must not crash the process.
  pool.on('error', () => {})
  // Nor one that is checked out: pg emits 'error' on it as well as failing its query, and
  // the pool listens only while a client is idle (a replica killed mid-query crashed tests).
  // The failed query reports the error; the pool drops the client on release.
  pool.on('connect', (client) => client.on('error', () => {}))
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: options.preparedStatements === false ? pool : preparingPool(pool) }),
  })
}

/** Create the database named in `url` if it does not exist (npm start does this). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''))
  if (!name) return
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name])
    if (found.rowCount === 0) {
      await client.query(`create database ${pg.escapeIdentifier(name)}`).catch((err: { code?: string }) => {
        // Another process created it between our check and create.
        if (err.code !== '42P04' && err.code !== '23505') throw err
      })
    }
  } finally {
    await client.end()
  }
}

/** Resolves when Postgres answers a trivial query (the readiness probe). */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db)
}
