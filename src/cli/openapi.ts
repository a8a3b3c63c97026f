// npm run api:generate (first step): builds the app in-process, without
// listening on a port or touching the database, and writes its OpenAPI
// document to web/src/api/openapi.json; openapi-typescript then turns it into
// web/src/api/schema.d.ts. CI regenerates both and fails on any drift.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { Redis } from 'ioredis'
import { buildApp } from '../app.js'
import { loadConfig } from '../config/config.js'
import { createDb } from '../db/database.js'
import { runCli } from './run.js'

const OUTPUT = resolve(import.meta.dirname, '../../web/src/api/openapi.json')

await runCli(async () => {
  // A fixed environment: the document must not depend on the shell that generates it.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' })
  const db = createDb(config.databaseUrl) // pg connects lazily: nothing is queried here
  const redis = new Redis(config.redisUrl, { lazyConnect: true })
  const app = await buildApp({ config, db, redis })
  try {
    await app.ready()
    const document = app.swagger()
    await mkdir(dirname(OUTPUT), { recursive: true })
    await writeFile(OUTPUT, JSON.stringify(document, null, 2) + '\n')
  } finally {
    await app.close()
    redis.disconnect()
    await db.destroy()
  }
})
