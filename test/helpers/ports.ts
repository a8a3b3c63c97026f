// Loopback ports for the private servers tests and benches start (Redis,
// PostgreSQL, API processes). By default a random free port below the
// kernel's ephemeral range; on a machine shared by several people,
// PRIVATE_PORTS=7400-7499 keeps every private server inside one's own range.
import { readFileSync } from 'node:fs'
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

/*
 * Why not listen(0): the kernel hands out ports from its ephemeral range, the
 * same range outgoing connections take their local port from. A server that a
 * test stops and restarts on its port (a cluster master, a Redis with AOF)
 * can find it taken meanwhile by a client socket, or by a client that kept
 * reconnecting to it and, on loopback, connected to itself; the restart then
 * fails and everything waiting on that server hangs.
 */
function belowEphemeralRange(): [number, number] {
  let low = 32768
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low
  } catch {
    // not Linux: keep the usual default
  }
  return [Math.min(15000, low - 1000), low - 1]
}

async function randomFreePort(): Promise<number> {
  const [from, to] = belowEphemeralRange()
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from + 1))
    if (handedOut.has(port)) continue
    if ((await tryListen(port)) === port) {
      handedOut.add(port)
      return port
    }
  }
  throw new Error(`no free port found in ${from}-${to}`)
}

export async function freePort(): Promise<number> {
  const spec = process.env.PRIVATE_PORTS
  if (!spec) return randomFreePort()
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
