// Where the browser tests' private service listens, and the secret it signs tokens with.
const port = Number(process.env.E2E_PORT ?? 3321)

export const E2E = {
  port,
  redisPort: Number(process.env.E2E_REDIS_PORT ?? 3331),
  baseUrl: `http://127.0.0.1:${port}`,
  jwtSecret: 'claimdesk-browser-tests-secret',
}
