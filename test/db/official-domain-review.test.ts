// The official-domain review migration: domains registered before it were
// never reviewed, so they come out pending (and relax nothing until approved).
import t from 'tap'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { FileMigrationProvider, Migrator, sql } from 'kysely'
import { MIGRATIONS_DIR, migrateToLatest } from '../../src/db/migrate.js'
import { createTestDatabase } from '../helpers/database.js'

t.test('domains registered before reviews existed start pending, and down undoes the columns', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  const migrator = new Migrator({
    db: database.db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
  })
  const down = await migrator.migrateDown()
  t.equal(down.error, undefined)
  t.match(down.results, [
    { migrationName: '20261123000000_official_domain_review', direction: 'Down', status: 'Success' },
  ])
  const columns = async () =>
    (
      await sql<{ column_name: string }>`select column_name from information_schema.columns
        where table_name = 'seller_official_domains' order by column_name`.execute(database.db)
    ).rows.map((r) => r.column_name)
  t.same(await columns(), ['created_at', 'domain', 'seller_id'])
  await sql`insert into seller_official_domains (seller_id, domain) values ('shop-legacy', 'gmail.com'), ('shop-legacy', 'kettle-maker.ru')`.execute(
    database.db,
  )

  t.same(await migrateToLatest(database.db), ['20261123000000_official_domain_review'])
  const rows = await database.db
    .selectFrom('seller_official_domains')
    .select(['id', 'domain', 'status', 'reviewed_at'])
    .orderBy('domain')
    .execute()
  t.match(rows, [
    { domain: 'gmail.com', status: 'pending', reviewed_at: null },
    { domain: 'kettle-maker.ru', status: 'pending', reviewed_at: null },
  ])
  t.ok(rows.every((r) => /^[0-9a-f-]{36}$/.test(r.id)) && rows[0]!.id !== rows[1]!.id, 'each row has its own id')
  await t.rejects(
    sql`update seller_official_domains set status = 'maybe'`.execute(database.db),
    /seller_official_domains_status/,
    'status is one of pending, approved, refused',
  )
})
