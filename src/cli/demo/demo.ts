// npm run demo: a fresh database of its own, a small marketplace seeded through the API,
// the service (API + workers) with deadlines in minutes, and sign-in links to open.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { loadConfig } from '../../config/config.js'
import { runCli } from '../run.js'
import { ApiClient } from './client.js'
import { seedMarketplace } from './seed.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url)).replace(/dist\/?$/, '')

// Minutes instead of days, so a person sees deadlines fire and reminders arrive.
const DEMO_POLICY = {
  seller_response: 'PT10M',
  seller_after_decline: 'PT5M',
  buyer_info: 'PT5M',
  buyer_offer: 'PT5M',
  dispute_window: 'PT10M',
  return_ship: 'PT15M',
  return_receive: 'PT15M',
  fulfil: 'PT15M',
  receipt: 'PT15M',
  arbiter_decision: 'PT20M',
  arbiter_info: 'PT10M',
  reminder_before: 'PT2M',
  sweep_interval: 'PT30S',
}

async function recreateDatabase(url: string) {
  const name = new URL(url).pathname.slice(1)
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`demo database name must be [a-z0-9_]+, got "${name}"`)
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString() })
  await client.connect()
  try {
    await client.query(`drop database if exists ${name} with (force)`)
    await client.query(`create database ${name}`)
  } finally {
    await client.end()
  }
}

await runCli(async () => {
  const port = Number(process.env.DEMO_PORT ?? 3000)
  const databaseUrl = process.env.DEMO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/claimdesk_demo'
  const dataDir = path.join(ROOT, 'data', 'demo')
  rmSync(dataDir, { recursive: true, force: true })
  mkdirSync(dataDir, { recursive: true })
  const policyFile = path.join(dataDir, 'policy.json')
  writeFileSync(policyFile, JSON.stringify(DEMO_POLICY, null, 2))

  if (!existsSync(path.join(ROOT, 'web', 'dist', 'index.html'))) {
    console.log('demo: building the web app (npm run build:web)…')
    const build = spawn('npm', ['run', '-s', 'build:web'], { cwd: ROOT, stdio: 'inherit' })
    const [code] = await once(build, 'exit')
    if (code !== 0) throw new Error('the web app did not build')
  }

  console.log(`demo: fresh database ${databaseUrl}`)
  await recreateDatabase(databaseUrl)
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    POLICY_FILE: policyFile,
    STORAGE_DIR: path.join(dataDir, 'photos'),
    WEB_DIST_DIR: path.join(ROOT, 'web', 'dist'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  }
  const config = loadConfig(env)
  // start.ts next to this file's folder: .ts under tsx, .js once built.
  const start = fileURLToPath(new URL(`../start${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url))
  const service = spawn(process.execPath, [...process.execArgv, start, 'all'], { env, stdio: 'inherit' })
  const stop = () => service.kill('SIGTERM')
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  service.on('exit', (code) => process.exit(code ?? 0))

  const base = `http://${config.host}:${port}`
  for (let i = 0; ; i++) {
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) break
    if (i > 120) throw new Error('the service did not become ready in 60 s')
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  const api = new ApiClient(base, config.jwtSecret)
  const who = await seedMarketplace(api, (line) => console.log(`demo: ${line}`))
  const link = (role: 'buyer' | 'seller' | 'arbiter', sub: string) => `${base}/#token=${api.token([role, sub])}`
  console.log(`
Claimdesk demo is running (deadlines in minutes; Ctrl-C stops it).
  arbiter ${who.arbiter}: ${link('arbiter', who.arbiter)}
  seller  ${who.seller}:  ${link('seller', who.seller)}
  buyer   ${who.buyer}: ${link('buyer', who.buyer)}
  or pick anyone at ${base}/sign-in   ·   API docs: ${base}/docs
`)
})
