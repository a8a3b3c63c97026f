// Loopback ports for the private servers tests and benches start (Redis,
// PostgreSQL, API processes). By default the kernel picks a free one; on a
// machine shared by several people, PRIVATE_PORTS=7400-7499 keeps every
// private server inside one's own range.
import { createServer } from 'node:net'

/** Ports handed out by this process: a probe closes its socket, so the same port could otherwise come back twice. */
const handedOut = new Set<number>()

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', () => resolve(undefined))
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      const bound = typeof address === 'object' && address ? address.port : undefined
      server.close(() => resolve(bound))
    })
  })
}

function range(spec: string): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(spec.trim())
  const from = Number(match?.[1])
  const to = Number(match?.[2])
  if (!match || from < 1024 || to > 65535 || from > to)
    throw new Error(`PRIVATE_PORTS must look like 7400-7499, got ${spec}`)
  return [from, to]
}

export async function freePort(): Promise<number> {
  const spec = process.env.PRIVATE_PORTS
  if (!spec) {
    for (;;) {
      const port = await tryListen(0)
      if (port !== undefined && !handedOut.has(port)) {
        handedOut.add(port)
        return port
      }
    }
  }
  const [from, to] = range(spec)
  for (let port = from; port <= to; port++) {
    if (handedOut.has(port)) continue
    if ((await tryListen(port)) === port) {
      handedOut.add(port)
      return port
    }
  }
  throw new Error(`no free port left in PRIVATE_PORTS=${spec}`)
}

/** What the private-server helpers need of a tap test: somewhere to register their clean-up (benches pass their own). */
export interface Teardown {
  teardown(fn: () => unknown): void
}
