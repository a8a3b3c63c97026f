// The slice of pino (and fastify's app.log) that services and workers use.
type LogFn = (obj: object, msg?: string) => void

export interface Logger {
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
}

const noop: LogFn = () => {}
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop }
