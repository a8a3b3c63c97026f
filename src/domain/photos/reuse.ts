// Near-duplicate lookup by perceptual hash: multi-index hashing over four
// 16-bit bands of the 64-bit dHash.
//
// If two hashes differ in at most d bits, at least one of the four bands
// differs in at most floor(d / 4) bits (pigeonhole). So every photo within d
// is found by looking up, for each band, the band values within floor(d / 4)
// bits of ours: 4 × 17 = 68 keys for the default d = 6, each an exact match in
// one GIN index over `phash_keys`. A key matches about 1/65536 of the photos
// (less where dHashes cluster, e.g. flat images), so the candidates stay a
// tiny fraction of the table and the exact Hamming filter runs on those only.
// Beyond floor(d / 4) = 2 (d ≥ 12, never with sane policies) the key list
// explodes and the lookup falls back to a bounded scan of recent photos.

export const BANDS = 4
const BAND_BITS = 16
const BAND_MASK = 0xffff
/** Above this many keys the lookup scans instead (radius 3 would need 4 × 697). */
const MAX_PROBE_KEYS = 4 * 137

const bandValues = (phash: string): number[] => {
  if (!/^[0-9a-f]{16}$/.test(phash))
    throw new TypeError(`phash must be 16 lowercase hex digits, got ${JSON.stringify(phash)}`)
  return Array.from({ length: BANDS }, (_, band) => Number.parseInt(phash.slice(band * 4, band * 4 + 4), 16))
}

const key = (band: number, value: number): number => (band << BAND_BITS) | value

/** The keys a photo is indexed under: one per band. */
export function phashKeys(phash: string): number[] {
  return bandValues(phash).map((value, band) => key(band, value))
}

/** Every 16-bit value within `radius` bits of `value`, itself included. */
function neighbours(value: number, radius: number): number[] {
  const out = [value]
  const flip = (from: number, start: number, left: number): void => {
    for (let bit = start; bit < BAND_BITS; bit++) {
      const next = from ^ (1 << bit)
      out.push(next & BAND_MASK)
      if (left > 1) flip(next, bit + 1, left - 1)
    }
  }
  if (radius > 0) flip(value, 0, radius)
  return out
}

/**
 * The index keys to look up for photos within `distance` of `phash`, or null
 * when the key list would be too long to be worth it (scan instead).
 */
export function phashProbeKeys(phash: string, distance: number): number[] | null {
  const radius = Math.floor(distance / BANDS)
  const keys = bandValues(phash).flatMap((value, band) => neighbours(value, radius).map((v) => key(band, v)))
  return keys.length > MAX_PROBE_KEYS ? null : keys
}
