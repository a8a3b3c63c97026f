// Reusable buffers for uploaded photos.
//
// Why: ArrayBuffer memory is V8 "external" memory, and every external byte
// allocated since the last full GC counts against the old generation's
// headroom. A fresh buffer per upload (a 12-MP JPEG is ~5 MB, on top of the
// socket's own chunks) used up that headroom about once per photo, so a
// steady upload load ran a mark-compact of the whole heap per photo
// (bench/photos.ts; `--trace-gc`). Copying each upload into a slab that is
// handed back after processing takes that memory out of the count.
//
// A slab is exclusively one upload's from `take` to `give`: the reader gives
// it back on a refusal, the photo service once processing has settled (no
// libvips thread reads it any more). A slab that is never given back is
// simply collected by the GC.
import { uploadBufferAllocations } from './metrics.js'

export class UploadBuffers {
  private readonly idle: Buffer[] = []

  /**
   * @param slabBytes the largest upload (policy photo_bytes_max)
   * @param keep idle slabs kept for reuse; more are left to the GC
   */
  constructor(
    readonly slabBytes: number,
    private readonly keep: number,
  ) {}

  /**
   * An idle slab, or else a new one; but a body declared at under a quarter
   * of a slab (a chat screenshot) gets a buffer of just that size, not
   * pooled: 10 MB of accounted memory for a 300 kB photo would bring the
   * next full GC closer, not push it away. Its bytes are stale: expose only
   * what was written.
   */
  take(declaredBytes?: number): Buffer {
    const idle = this.idle.pop()
    if (idle) return idle
    const small = declaredBytes !== undefined && declaredBytes < this.slabBytes / 4
    uploadBufferAllocations.inc({ size: small ? 'own' : 'slab' })
    return Buffer.allocUnsafeSlow(small ? declaredBytes : this.slabBytes)
  }

  /** Takes a slab back for reuse; other buffers, and slabs beyond `keep`, are left to the GC. */
  give(slab: Buffer): void {
    if (slab.length !== this.slabBytes || this.idle.length >= this.keep || this.idle.includes(slab)) return
    this.idle.push(slab)
  }

  /** Idle slabs (for tests and metrics). */
  get idleCount(): number {
    return this.idle.length
  }
}
