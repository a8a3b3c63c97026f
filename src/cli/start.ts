// npm start (all), npm run start:api, npm run start:workers.
// Checks Postgres and Redis, creates and migrates the database, then serves.
import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import { buildApp } from '../app.js'
import { loadConfig } from '../config/config.js'
import { createDb } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { replicaReads } from '../db/read-routing.js'
import { checkPostgres, checkRedis } from './preflight.js'
import { apiConnection } from '../jobs/connection.js'
import { runCli } from './run.js'
import { applyHeapGrowingPercent } from './heap-tuning.js'

type Role = 'all' | 'api' | 'workers'

await runCli(async () => {
  const role = (process.argv[2] ?? 'all') as Role
  if (!['all', 'api', 'workers'].includes(role)) throw new Error(`unknown role ${role}: use all, api or workers`)
  const config = loadConfig()
  await checkPostgres(config.databaseUrl)
  await checkRedis(config)

  // The deadline worker runs many jobs at once beside the API's requests.
  const db = createDb(config.databaseUrl, {
    max: role === 'api' ? 10 : 20,
    preparedStatements: config.preparedStatements,
  })
  await migrateToLatest(db)
  const closers: (() => Promise<void>)[] = []

  if (role === 'all' || role === 'workers') {
    const { startWorkers } = await import('../../workers/index.js')
    const logger = pino({ level: config.logLevel, name: 'workers' })
    const workers = await startWorkers({ config, db, logger })
    closers.push(() => workers.close())
    logger.info({ redis: config.redisCluster ? 'cluster' : 'single' }, 'workers started')
  }
  if (role === 'all' || role === 'api') {
    applyHeapGrowingPercent(config.heapGrowingPercent)
    // Fails fast while Redis is down (503) instead of queueing commands; reconnects by itself.
    const redis = apiConnection(config)
    // A replica that is down at start is no reason not to serve: its reads go to the primary meanwhile.
    const readDb = config.databaseReadUrl
      ? replicaReads(db, createDb(config.databaseReadUrl, { max: 10, preparedStatements: config.preparedStatements }), {
          log: pino({ level: config.logLevel, name: 'read-replica' }),
        })
      : undefined
    const app = await buildApp({ config, db, redis, ...(readDb ? { readDb } : {}) })
    await app.listen({ host: config.host, port: config.port })
    closers.push(async () => {
      await app.close()
      await readDb?.close()
      redis.disconnect()
    })
  }

  closeWithGrace({ delay: 20_000 }, async ({ err }) => {
    if (err) console.error(err)
    for (const close of closers.reverse()) await close()
    await db.destroy()
  })
})
