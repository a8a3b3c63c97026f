// npm run migrate: create the database if missing and apply every migration.
import { loadConfig } from '../config/config.js'
import { createDb } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { checkPostgres } from './preflight.js'
import { runCli } from './run.js'

await runCli(async () => {
  const config = loadConfig()
  await checkPostgres(config.databaseUrl)
  const db = createDb(config.databaseUrl, { max: 1 })
  try {
    const applied = await migrateToLatest(db)
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date')
  } finally {
    await db.destroy()
  }
})
