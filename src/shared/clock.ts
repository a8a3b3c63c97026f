// The one source of "now" for services, machine events and workers, so tests can move time.
export interface Clock {
  now(): number
}
export const systemClock: Clock = { now: () => Date.now() }
