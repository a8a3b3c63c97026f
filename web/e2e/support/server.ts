// The service as `npm start` runs it (API + workers, src/cli/start.ts), on a database of
// its own (test/helpers/database.ts), a private redis-server and a temporary photo
// directory; all three go away when Playwright stops it (SIGTERM). With --held it is
// the second service, whose policy holds the messages moderation is unsure of.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createTestDatabase } from '../../../test/helpers/database.js'
import { E2E } from './env.js'

const held = process.argv.includes('--held')
const service = held ? E2E.held : E2E
const database = await createTestDatabase()
const storage = mkdtempSync(path.join(tmpdir(), 'claimdesk-e2e-photos-'))
const config = mkdtempSync(path.join(tmpdir(), 'claimdesk-e2e-config-'))
const policyFile = path.join(config, 'policy.json')
if (held) writeFileSync(policyFile, JSON.stringify({ moderation_review: 'hold' }))

const redis = spawn(
  'redis-server',
  ['--port', String(service.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  { stdio: 'ignore' },
)

const api: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts', 'all'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(service.port),
    DATABASE_URL: database.url,
    REDIS_URL: `redis://127.0.0.1:${service.redisPort}`,
    STORAGE_DIR: storage,
    ...(held ? { POLICY_FILE: policyFile } : {}),
    WEB_DIST_DIR: 'web/dist',
    JWT_SECRET: E2E.jwtSecret,
    // The sellers' webhook test delivers to a receiver on loopback.
    WEBHOOK_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'warn',
  },
})

let stopping = false
async function stop(code: number) {
  if (stopping) return
  stopping = true
  if (api.exitCode === null) {
    api.kill('SIGTERM')
    await once(api, 'exit')
  }
  redis.kill('SIGTERM')
  await database.drop()
  rmSync(storage, { recursive: true, force: true })
  rmSync(config, { recursive: true, force: true })
  process.exit(code)
}

process.on('SIGTERM', () => void stop(0))
process.on('SIGINT', () => void stop(0))
api.on('exit', (code) => void stop(code ?? 1))
