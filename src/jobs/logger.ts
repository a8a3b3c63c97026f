// The slice of pino (and fastify's app.log) that workers use.
type LogFn = (obj: object, msg?: string) => void

export interface Logger {
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
}

const noop: LogFn = () => {}
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop }

const LEVELS = ['debug', 'info', 'warn', 'error'] as const

/** JSON lines on stderr from `level` up ('silent' logs nothing); for processes without pino. */
export function consoleLogger(level: string): Logger {
  const min = LEVELS.indexOf(level as (typeof LEVELS)[number])
  const make = (name: (typeof LEVELS)[number]): LogFn =>
    min === -1 || LEVELS.indexOf(name) < min
      ? noop
      : (obj, msg) => process.stderr.write(`${JSON.stringify({ level: name, time: new Date().toISOString(), msg, ...obj })}\n`)
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') }
}
