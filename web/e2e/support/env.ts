// Where the browser tests' private services listen, and the secret they sign tokens with.
// The main service runs the default policy; a second one, one port up, holds the
// messages moderation is unsure of for an arbiter (policy moderation_review = hold).
const port = Number(process.env.E2E_PORT ?? 3321)
const redisPort = Number(process.env.E2E_REDIS_PORT ?? 3331)

export interface E2EService {
  port: number
  redisPort: number
  baseUrl: string
}

const service = (offset: number): E2EService => ({
  port: port + offset,
  redisPort: redisPort + offset,
  baseUrl: `http://127.0.0.1:${port + offset}`,
})

export const E2E = {
  ...service(0),
  /** The service under policy moderation_review = hold (web/e2e/held.spec.ts). */
  held: service(1),
  jwtSecret: 'claimdesk-browser-tests-secret',
}
