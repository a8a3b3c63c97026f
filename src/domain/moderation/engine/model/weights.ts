// The model file (weights.json): per class a bias and a scale, and the
// weights quantised to int8, stored sparse (only buckets with a non-zero
// weight: varint gap to the bucket, then one byte per class), deflated and
// base64-encoded so the file stays small and plain JSON (tsc copies it to
// dist with the lexicons). Decoded once at start into a dense Int8Array.
import { deflateRawSync, inflateRawSync } from 'node:zlib'

export interface ModelFile {
  /** When and from what it was trained, for people reading the file. */
  trained: string
  hash_bits: number
  classes: string[]
  bias: number[]
  /** Quantisation step per class: weight = int8 × scale. */
  scale: number[]
  /** Per class, the probability from which a chunk's class is reported (as an uncertain finding). */
  review_thresholds: number[]
  weights: string
}

export function encodeWeights(q: Int8Array, buckets: number, classes: number): string {
  const bytes: number[] = []
  let prev = -1
  for (let b = 0; b < buckets; b++) {
    let any = false
    for (let c = 0; c < classes; c++) if (q[b * classes + c] !== 0) any = true
    if (!any) continue
    for (let gap = b - prev; ; gap >>>= 7) {
      if (gap < 0x80) {
        bytes.push(gap)
        break
      }
      bytes.push((gap & 0x7f) | 0x80)
    }
    for (let c = 0; c < classes; c++) bytes.push(q[b * classes + c]! & 0xff)
    prev = b
  }
  return deflateRawSync(Buffer.from(bytes), { level: 9 }).toString('base64')
}

export function decodeWeights(encoded: string, buckets: number, classes: number): Int8Array {
  const bytes = inflateRawSync(Buffer.from(encoded, 'base64'))
  const q = new Int8Array(buckets * classes)
  let at = 0
  let b = -1
  while (at < bytes.length) {
    let gap = 0
    for (let shift = 0; ; shift += 7) {
      const x = bytes[at++]!
      gap |= (x & 0x7f) << shift
      if (x < 0x80) break
    }
    b += gap
    if (b >= buckets) throw new Error('model weights: bucket out of range')
    for (let c = 0; c < classes; c++) q[b * classes + c] = (bytes[at++]! << 24) >> 24
  }
  return q
}
