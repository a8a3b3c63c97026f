// A counting semaphore. Photos wait here rather than in libuv's small shared
// thread pool, where queued image work would also stall fs and dns calls.
export class Gate {
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.active++
    try {
      return await task()
    } finally {
      const next = this.waiting.shift()
      if (next)
        next() // hand the slot over without releasing it
      else this.active--
    }
  }

  get pending(): number {
    return this.waiting.length
  }
}
