// What the bare baselines (baseline-claims-server.ts, baseline-messages-server.ts)
// share: the pool, the caller named in a header, problems, readiness and
// shutdown. Each baseline adds only its own routes and statements.
import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
  ) {
    super(slug)
  }
}

/** No JWT: the caller names itself in `x-principal: role:id`. */
export function principalOf(header: unknown): { role: string; id: string } {
  const [role, id] = typeof header === 'string' ? header.split(':', 2) : []
  if (!role || !id) throw new HttpError(401, 'unauthorized')
  return { role, id }
}

export interface BaselineServer {
  app: FastifyInstance
  pool: pg.Pool
  /** Listens on PORT (or `defaultPort`) and closes app and pool on SIGTERM/SIGINT. */
  listen(): Promise<void>
}

/** Fastify without a logger and a raw pool on DATABASE_URL (or `defaultDatabase`). */
export function createBaselineServer(defaultDatabase: string, defaultPort: number): BaselineServer {
  const databaseUrl = process.env.DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/${defaultDatabase}`
  const port = Number(process.env.PORT ?? defaultPort)
  // Same pool settings as src/db/database.ts createDb().
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: Number(process.env.POOL_MAX ?? 10),
    connectionTimeoutMillis: 5_000,
    statement_timeout: 15_000,
  })
  pool.on('error', () => {})

  const app = Fastify({ logger: false })
  app.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).send({ type: err.slug, status: err.status })
    return reply
      .code(err.statusCode ?? 500)
      .send({ type: 'internal', status: err.statusCode ?? 500, detail: err.message })
  })
  app.get('/readyz', async () => {
    await pool.query('select 1')
    return { status: 'ready' }
  })

  const listen = async () => {
    const shutdown = async () => {
      await app.close()
      await pool.end()
      process.exit(0)
    }
    process.once('SIGTERM', () => void shutdown())
    process.once('SIGINT', () => void shutdown())
    await app.listen({ host: '127.0.0.1', port })
  }
  return { app, pool, listen }
}
