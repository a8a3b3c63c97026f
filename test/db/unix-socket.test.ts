// A co-located Postgres is best reached over its Unix socket (no TCP loopback
// stack on either end; bench/messages.ts measured ~13% more messages/s). The
// URL names the socket directory as a percent-encoded host; start-up's
// database creation and the prepared-statement pool must both work with it.
import t from 'tap'
import { sql } from 'kysely'
import pg from 'pg'
import { loadConfig } from '../../src/config/config.js'
import { createDb, ensureDatabase } from '../../src/db/database.js'
import { PREPARED } from '../../src/db/prepared.js'
import { ADMIN_URL, createTestDatabase } from '../helpers/database.js'

/** The server's own socket directory, asked over the test's usual connection. */
async function socketDirectory(): Promise<string> {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    const { rows } = await client.query<{ unix_socket_directories: string }>('show unix_socket_directories')
    const first = rows[0]?.unix_socket_directories.split(',')[0]?.trim()
    if (!first) throw new Error('this PostgreSQL listens on no Unix socket (unix_socket_directories is empty)')
    return first
  } finally {
    await client.end()
  }
}

const socketUrl = (dir: string, database: string): string =>
  `postgres://postgres@${encodeURIComponent(dir)}/${database}`

t.test(
  'DATABASE_URL naming a socket directory: config accepts it, queries and prepared statements run over it',
  async (t) => {
    const database = await createTestDatabase()
    t.teardown(() => database.drop())
    const url = socketUrl(await socketDirectory(), database.name)

    t.equal(loadConfig({ NODE_ENV: 'test', DATABASE_URL: url }).databaseUrl, url)
    const db = createDb(url, { max: 1 })
    t.teardown(() => db.destroy())
    const viaSocket = await sql<{
      local: boolean
      n: number
    }>`${sql.raw(PREPARED)}select inet_client_addr() is null as local, ${5}::int as n`.execute(db)
    t.same(viaSocket.rows, [{ local: true, n: 5 }], 'no client address: the session came in over the socket')
    const tables = await sql<{
      n: number
    }>`select count(*)::int as n from information_schema.tables where table_name = 'claims'`.execute(db)
    t.equal(tables.rows[0]?.n, 1, 'it is the migrated test database')
  },
)

t.test('ensureDatabase creates a missing database through the socket, and a second call is a no-op', async (t) => {
  const name = `claimdesk_socket_${process.pid}`
  const url = socketUrl(await socketDirectory(), name)
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  t.teardown(async () => {
    await admin.query(`drop database if exists ${name}`)
    await admin.end()
  })
  await admin.query(`drop database if exists ${name}`)

  await ensureDatabase(url)
  await ensureDatabase(url)
  const found = await admin.query('select 1 from pg_database where datname = $1', [name])
  t.equal(found.rowCount, 1)
})
