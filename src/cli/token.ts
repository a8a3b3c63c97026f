// npm run -s token -- --role seller --sub shop-1   → prints a bearer token, nothing else.
// It expires after --expires-in seconds, by default and at most policy token_lifetime_max.
import { parseArgs } from 'node:util'
import { ROLES, signToken, type PrincipalRole } from '../auth/principal.js'
import { loadConfig } from '../config/config.js'
import { runCli } from './run.js'

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      'expires-in': { type: 'string' },
    },
  })
  if (!values.role || !ROLES.includes(values.role as PrincipalRole) || !values.sub) {
    console.error(`usage: npm run -s token -- --role <${ROLES.join('|')}> --sub <id> [--expires-in seconds]`)
    process.exit(2)
  }
  const config = loadConfig()
  const maxSeconds = Math.floor(config.policy.token_lifetime_max / 1000)
  const raw = values['expires-in'] ?? String(maxSeconds)
  const seconds = Number(raw)
  if (!/^\d+$/.test(raw) || seconds < 1 || seconds > maxSeconds) {
    console.error(`claimdesk: --expires-in must be 1-${maxSeconds} seconds (policy token_lifetime_max), got "${raw}"`)
    process.exit(2)
  }
  process.stdout.write(
    signToken(config.jwtSecret, { role: values.role as PrincipalRole, id: values.sub }, seconds) + '\n',
  )
})
