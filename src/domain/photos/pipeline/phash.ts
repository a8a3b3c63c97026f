// Perceptual hash (dHash): 64 bits, one per horizontally adjacent pixel pair
// of a 9×8 greyscale reduction. Recompression, small resizes and mild colour
// changes keep most bits; a different scene flips about half.
import type { Sharp } from 'sharp'

/** `image` is any sharp pipeline of the already-oriented picture. */
export async function dHash(image: Sharp): Promise<string> {
  const { data, info } = await image
    .flatten({ background: '#ffffff' }) // transparent areas hold arbitrary colour
    .greyscale()
    .resize(9, 8, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true })
  let hash = 0n
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const at = (y * 9 + x) * info.channels
      const left = data[at] as number
      const right = data[at + info.channels] as number
      hash = (hash << 1n) | (left > right ? 1n : 0n)
    }
  }
  return hash.toString(16).padStart(16, '0')
}

/** Number of differing bits between two 16-hex-digit hashes (0–64). */
export function hammingDistance(a: string, b: string): number {
  if (!/^[0-9a-f]{16}$/i.test(a) || !/^[0-9a-f]{16}$/i.test(b)) throw new TypeError('expected 16-hex-digit hashes')
  let x = BigInt('0x' + a) ^ BigInt('0x' + b)
  let bits = 0
  while (x) {
    bits += Number(x & 1n)
    x >>= 1n
  }
  return bits
}
