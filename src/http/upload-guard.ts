// Guards for requests that carry photos, before and while their bodies are
// read: a cap on each party's uploads in flight on this instance, and a
// minimum rate below which a body is dropped (a client dripping a byte every
// few seconds would otherwise hold its connection and upload buffer until the
// request timeout).
import type { FastifyRequest } from 'fastify'
import type { UploadRatePolicy } from '../config/policy.js'
import { uploadTooSlow, uploadsInFlight } from '../domain/photos/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Multipart requests in flight per party, shared by every scope that takes photos. */
    uploadSlots: UploadSlots
  }
}

/** Multipart requests in flight per party: from the start of the body to the response's end. */
export class UploadSlots {
  private readonly inFlight = new Map<string, number>()

  constructor(private readonly perParty: number) {}

  /** Takes a slot for `party` (429 uploads-in-flight when it has none left); the returned function gives it back once. */
  take(party: string): () => void {
    const held = this.inFlight.get(party) ?? 0
    if (held >= this.perParty) throw uploadsInFlight('photo_uploads_per_party', this.perParty)
    this.inFlight.set(party, held + 1)
    let given = false
    return () => {
      if (given) return
      given = true
      const left = (this.inFlight.get(party) ?? 1) - 1
      if (left === 0) this.inFlight.delete(party)
      else this.inFlight.set(party, left)
    }
  }

  held(party: string): number {
    return this.inFlight.get(party) ?? 0
  }
}

/** Checks per sliding window: a finer tick finds a slow body sooner after its window has passed. */
const TICKS_PER_WINDOW = 5

/**
 * Watches the bytes a request's socket has read. Once `grace` has passed,
 * a body that brought fewer than `bytes` in the last `window` is ended with
 * 408 upload-too-slow: the error reaches the multipart reader (its parts end
 * with it) and the connection closes after the answer. Returns the stop
 * function; call it once the body has been read.
 */
export function watchUploadRate(request: FastifyRequest, policy: UploadRatePolicy): () => void {
  const socket = request.raw.socket
  const started = Date.now()
  const readAt = (): number => socket.bytesRead
  // Samples of bytesRead, one per tick, covering the last window.
  const samples: number[] = [readAt()]
  const perWindow = TICKS_PER_WINDOW
  const timer = setInterval(() => {
    samples.push(readAt())
    if (samples.length > perWindow + 1) samples.shift()
    if (Date.now() - started < policy.grace || samples.length <= perWindow) return
    const brought = (samples.at(-1) as number) - (samples[0] as number)
    if (brought >= policy.bytes || request.raw.readableEnded) return
    stop()
    request.log.info({ brought, window_ms: policy.window }, 'upload below the minimum rate: dropped')
    request.raw.emit('error', uploadTooSlow(policy.bytes, policy.window))
  }, policy.window / perWindow)
  timer.unref()
  const stop = (): void => clearInterval(timer)
  return stop
}
