// One database per test file, cloned from a migrated template (fast, parallel-safe).
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { createDb, type Db } from '../../src/db/database.js'
import { migrateToLatest, MIGRATIONS_DIR } from '../../src/db/migrate.js'

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** Database names go into SQL as identifiers: only the plain ones this helper makes. */
function ident(name: string): string {
  assert.match(name, /^claimdesk_[a-z0-9_]+$/, `not a test database name: ${name}`)
  return name
}

function urlFor(name: string): string {
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/** The template's name changes whenever a migration does, so stale templates are never reused. */
function templateName(): string {
  const hash = createHash('sha256')
  for (const file of readdirSync(MIGRATIONS_DIR).sort())
    hash.update(file).update(readFileSync(path.join(MIGRATIONS_DIR, file)))
  return `claimdesk_tpl_${hash.digest('hex').slice(0, 12)}`
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

async function ensureTemplate(name: string): Promise<void> {
  await withAdmin(async (admin) => {
    // Parallel test files race to build the template: one builds, the rest wait.
    await admin.query('select pg_advisory_lock(424242)')
    try {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [name])
      if (exists.rowCount) return
      const building = `${name}_building`
      await admin.query(`drop database if exists ${ident(building)}`)
      await admin.query(`create database ${ident(building)}`)
      const db = createDb(urlFor(building), { max: 1 })
      try {
        await migrateToLatest(db)
      } finally {
        await db.destroy()
      }
      await admin.query(`alter database ${ident(building)} rename to ${ident(name)}`)
      await dropStaleTemplates(admin, name)
    } finally {
      await admin.query('select pg_advisory_unlock(424242)')
    }
  })
}

const pgCode = (err: unknown): string | undefined => (err as { code?: string }).code
const OBJECT_IN_USE = '55006'
const INVALID_CATALOG_NAME = '3D000'

/**
 * Templates of earlier migration sets are dropped when a new one is built, so
 * they do not pile up on a developer's server. One being cloned right now
 * (another checkout's tests) refuses the drop and stays for next time; one
 * dropped just before another checkout clones it is rebuilt there
 * (createTestDatabase).
 */
async function dropStaleTemplates(admin: pg.Client, current: string): Promise<void> {
  const stale = await admin.query<{ datname: string }>(
    `select datname from pg_database where datname ~ '^claimdesk_tpl_[0-9a-f]{12}$' and datname <> $1`,
    [current],
  )
  for (const { datname } of stale.rows) {
    await admin.query(`drop database if exists ${ident(datname)}`).catch((err: unknown) => {
      if (pgCode(err) !== OBJECT_IN_USE) throw err
    })
  }
}

export interface TestDatabase {
  name: string
  url: string
  db: Db
  drop(): Promise<void>
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = templateName()
  const name = `claimdesk_t_${randomBytes(6).toString('hex')}`
  for (let attempt = 1; ; attempt++) {
    await ensureTemplate(template)
    try {
      await withAdmin((admin) => admin.query(`create database ${ident(name)} template ${ident(template)}`))
      break
    } catch (err) {
      // Dropped as stale by another checkout's run between the two steps: build it again.
      if (pgCode(err) !== INVALID_CATALOG_NAME || attempt >= 3) throw err
    }
  }
  const url = urlFor(name)
  const db = createDb(url, { max: 20 })
  return {
    name,
    url,
    db,
    async drop() {
      await db.destroy()
      await withAdmin((admin) => admin.query(`drop database if exists ${ident(name)} with (force)`))
    },
  }
}
