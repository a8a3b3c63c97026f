// Child servers for the bench scripts: a free port, spawn with output kept
// for diagnosis, wait until an HTTP probe answers 200, and stop by pid.
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '../../test/helpers/ports.js'

export { freePort }

export interface ServerProcess {
  name: string
  child: ChildProcess
  baseUrl: string
  /** The last lines the child printed (stdout and stderr). */
  output(): string
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>
}

const running = new Set<ServerProcess>()

/** Every server started by this process and not yet stopped (for cleanup on errors and signals). */
export function runningServers(): ServerProcess[] {
  return [...running]
}

export function startServer(opts: {
  name: string
  args: string[]
  env: NodeJS.ProcessEnv
  port: number
  cwd?: string
}): ServerProcess {
  const child = spawn(process.execPath, opts.args, {
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line)
    if (lines.length > 200) lines.splice(0, lines.length - 200)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  const server: ServerProcess = {
    name: opts.name,
    child,
    baseUrl: `http://127.0.0.1:${opts.port}`,
    output: () => lines.slice(-40).join('\n'),
    async stop(graceMs = 10_000) {
      running.delete(server)
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
  running.add(server)
  return server
}

function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(0))
  })
}

/** Polls `path` until it answers 200; fails early if the child exits. */
export async function waitReady(server: ServerProcess, path: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `${server.name} exited (${server.child.exitCode ?? server.child.signalCode}) before it was ready:\n${server.output()}`,
      )
    }
    if ((await probe(server.baseUrl + path)) === 200) return
    await sleep(100)
  }
  throw new Error(`${server.name} was not ready within ${timeoutMs} ms:\n${server.output()}`)
}
