// A connection that loses its server while a query runs on it: the query fails
// and the process goes on (pg emits 'error' on a checked-out client too, which
// would otherwise be an uncaught exception and end the API); once the server is
// back, the pool serves with fresh connections.
import t from 'tap'
import { sql } from 'kysely'
import { createDb } from '../../src/db/database.js'
import { startPrivatePostgres } from '../workers/helpers/postgres.js'

t.test('a server stopped under a running query fails that query, not the process', async (t) => {
  const server = await startPrivatePostgres(t)
  const db = createDb(server.url)
  t.teardown(() => db.destroy())
  t.equal((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]?.one, 1)

  await db.connection().execute(async (conn) => {
    const running = sql`select pg_sleep(30)`.execute(conn)
    running.catch(() => {}) // observed below; keeps the rejection from being unhandled meanwhile
    await new Promise((r) => setTimeout(r, 300))
    await server.stop()
    await t.rejects(running, 'the running query fails')
  })

  await server.start()
  t.equal((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]?.one, 1, 'served again once it is back')
})
