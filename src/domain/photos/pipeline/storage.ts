// Where normalised photo variants live. Local directory by default, any
// S3-compatible object store by configuration (docs/photos.md).
import type { Readable } from 'node:stream'

export interface StoredPhoto {
  stream: Readable
  size: number
  contentType: string
}

export interface PhotoStorage {
  /** Idempotent: keys are content-addressed, so writing a key again writes the same bytes. */
  put(key: string, buffer: Buffer, contentType: string): Promise<void>
  /** null when the key does not exist. The caller must consume or destroy the stream. */
  get(key: string): Promise<StoredPhoto | null>
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>
  /** Release sockets or handles on shutdown, where the backend holds any. */
  close?(): void
}

export type StorageConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3'
      /** Omit for AWS itself; set for MinIO, Ceph, R2 and the like. */
      endpoint?: string
      bucket: string
      region: string
      /** Path-style URLs; on by default when an endpoint is set (most S3-compatible servers need it). */
      forcePathStyle?: boolean
    }

export { photoKey, assertKey } from './keys.js'
