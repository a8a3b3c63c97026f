// The workers as a process of their own: `tsx workers/main.ts` (or node on the
// build). Reads the same environment as the API (DATABASE_URL, REDIS_URL,
// POLICY_FILE, LOG_LEVEL); prints "workers-ready" once started. Production uses
// `npm run start:workers`, which also migrates; this entry does not.
import { loadConfig } from '../src/config/config.js'
import { createDb } from '../src/db/database.js'
import { pino } from 'pino'
import { startWorkers } from './index.js'

const config = loadConfig()
const db = createDb(config.databaseUrl, { preparedStatements: config.preparedStatements })
const workers = await startWorkers({ config, db, logger: pino({ level: config.logLevel, name: 'workers' }) })
process.stdout.write('workers-ready\n')
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void workers
      .close()
      .then(() => db.destroy())
      .then(() => process.exit(0))
  })
}
