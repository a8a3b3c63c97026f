// npm run -s token -- --role seller --sub shop-1   → prints a bearer token, nothing else.
import { parseArgs } from 'node:util'
import { ROLES, signToken, type PrincipalRole } from '../auth/principal.js'
import { loadConfig } from '../config/config.js'
import { runCli } from './run.js'

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      'expires-in': { type: 'string', default: '86400' },
    },
  })
  if (!values.role || !ROLES.includes(values.role as PrincipalRole) || !values.sub) {
    console.error(`usage: npm run -s token -- --role <${ROLES.join('|')}> --sub <id> [--expires-in seconds]`)
    process.exit(2)
  }
  const config = loadConfig()
  process.stdout.write(
    signToken(config.jwtSecret, { role: values.role as PrincipalRole, id: values.sub }, Number(values['expires-in'])) +
      '\n',
  )
})
