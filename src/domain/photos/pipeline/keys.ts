// Storage keys: `ab/cd/<sha256>/<variant>`. Two levels of fan-out keep
// directories small on the local backend and spread S3 key prefixes.
import type { VariantName } from './variants.js'

const SHA256 = /^[0-9a-f]{64}$/
// Segments of letters, digits, '-' and '_' only: no '..', no absolute paths,
// no dots (the local backend's sidecar and temp files use them).
const KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/

export function photoKey(sha256: string, variant: VariantName): string {
  if (!SHA256.test(sha256)) throw new TypeError('photoKey: expected a lowercase hex SHA-256')
  return `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}/${variant}`
}

export function assertKey(key: string): void {
  if (key.length > 512 || !KEY.test(key)) throw new TypeError(`invalid storage key: ${JSON.stringify(key)}`)
}
