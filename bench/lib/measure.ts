// One load phase with its CPU cost: the server process, the database's
// Postgres backends and this driver, per successful request; machine busy cores.
import type { SampleWindow } from './cpuprofile.js'
import type { LoadResult } from './http-load.js'
import { backendPids, checkpoint } from './pg-admin.js'
import type { ServerProcess } from './processes.js'
import { CpuMeter, machineBusySeconds } from './proc-cpu.js'

export interface Measured extends LoadResult {
  serverCpuMs?: number
  pgCpuMs?: number
  driverCpuMs?: number
  machineBusy?: number
  /** When the phase ran (CLOCK_MONOTONIC µs), to cut its samples out of a CPU profile. */
  window: SampleWindow
}

export async function measure(server: ServerProcess, db: string, run: () => Promise<LoadResult>): Promise<Measured> {
  await checkpoint()
  const pid = server.child.pid
  const serverCpu = new CpuMeter(pid ? [pid] : [])
  const pgCpu = new CpuMeter(await backendPids(db))
  const driver0 = process.cpuUsage()
  const busy0 = machineBusySeconds()
  const from = monotonicMicros()
  const result = await run()
  const to = monotonicMicros()
  const busy1 = machineBusySeconds()
  const driver = process.cpuUsage(driver0)
  pgCpu.include(await backendPids(db))
  const per = (s: number | undefined) => (s === undefined || result.ok === 0 ? undefined : (s * 1000) / result.ok)
  return {
    ...result,
    window: [from, to],
    serverCpuMs: per(serverCpu.since()),
    pgCpuMs: per(pgCpu.since()),
    driverCpuMs: per((driver.user + driver.system) / 1e6),
    machineBusy: busy0 === undefined || busy1 === undefined ? undefined : (busy1 - busy0) / (result.elapsedMs / 1000),
  }
}

/** CLOCK_MONOTONIC in µs: the clock V8 stamps CPU-profile samples with, in every process on the machine. */
export const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n)
