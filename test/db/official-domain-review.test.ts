// The official-domain review migration: domains registered before it were
// never reviewed, so they come out pending (and relax nothing until approved).
import t from 'tap'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { FileMigrationProvider, Migrator, sql } from 'kysely'
import { MIGRATIONS_DIR, migrateToLatest } from '../../src/db/migrate.js'
import { createTestDatabase } from '../helpers/database.js'

const REVIEW = '20261123000000_official_domain_review'

t.test('domains registered before reviews existed start pending, and down undoes the columns', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  const migrator = new Migrator({
    db: database.db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
  })
  // Back to just before this migration (the later ones go down first), whatever has been added since.
  const names = (await migrator.getMigrations()).map((m) => m.name)
  const before = names[names.indexOf(REVIEW) - 1]
  t.ok(before, 'a migration precedes the review migration')
  const down = await migrator.migrateTo(before!)
  t.equal(down.error, undefined)
  t.match(down.results?.at(-1), { migrationName: REVIEW, direction: 'Down', status: 'Success' })
  const columns = async () =>
    (
      await sql<{ column_name: string }>`select column_name from information_schema.columns
        where table_name = 'seller_official_domains' order by column_name`.execute(database.db)
    ).rows.map((r) => r.column_name)
  t.same(await columns(), ['created_at', 'domain', 'seller_id'])
  await sql`insert into seller_official_domains (seller_id, domain) values ('shop-legacy', 'gmail.com'), ('shop-legacy', 'kettle-maker.ru')`.execute(
    database.db,
  )

  const up = await migrateToLatest(database.db)
  t.equal(up[0], REVIEW)
  t.same(up, names.slice(names.indexOf(REVIEW)))
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
