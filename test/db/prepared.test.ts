// Hot statements marked PREPARED run as named prepared statements (parsed and
// planned once per connection); every other statement stays unnamed.
import t from 'tap'
import { sql } from 'kysely'
import { createDb } from '../../src/db/database.js'
import { PREPARED } from '../../src/db/prepared.js'
import { createTestDatabase } from '../helpers/database.js'

const preparedNames = async (db: ReturnType<typeof createDb>) =>
  (await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(db)).rows.map(
    (r) => r.name,
  )

t.test('a marked statement is prepared once per connection and reused; an unmarked one is not', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  const url = database.url
  // One connection, so every statement below runs on the same session.
  const db = createDb(url, { max: 1 })
  t.teardown(() => db.destroy())
  const marked = (n: number) => sql<{ n: number }>`${sql.raw(PREPARED)}select ${n}::int as n`.execute(db)
  t.same((await marked(1)).rows, [{ n: 1 }])
  t.same((await marked(2)).rows, [{ n: 2 }], 'the same prepared statement takes new parameters')
  await sql`select 3 as unmarked`.execute(db)
  t.same(await preparedNames(db), ['claimdesk_1'], 'one named statement, for the marked text only')
})

t.test('DATABASE_PREPARED_STATEMENTS=false: nothing is prepared', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  const url = database.url
  const db = createDb(url, { max: 1, preparedStatements: false })
  t.teardown(() => db.destroy())
  t.same((await sql<{ n: number }>`${sql.raw(PREPARED)}select ${7}::int as n`.execute(db)).rows, [{ n: 7 }])
  t.same(await preparedNames(db), [])
})
