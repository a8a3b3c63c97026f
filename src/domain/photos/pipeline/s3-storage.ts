// Photos in an S3-compatible bucket. Credentials come from the SDK's default
// chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)
// first, then shared config files and instance roles.
import { Readable } from 'node:stream'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import type { PhotoStorage, StorageConfig, StoredPhoto } from './storage.js'
import { assertKey } from './keys.js'

type S3Config = Extract<StorageConfig, { kind: 's3' }>

export class S3PhotoStorage implements PhotoStorage {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  static fromConfig(config: S3Config): S3PhotoStorage {
    const client = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      forcePathStyle: config.forcePathStyle ?? config.endpoint !== undefined,
      // The SDK's default CRC checksums (since 3.729) are rejected by many
      // S3-compatible servers; send and verify them only where S3 requires it.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    })
    return new S3PhotoStorage(client, config.bucket)
  }

  async put(key: string, buffer: Buffer, contentType: string): Promise<void> {
    assertKey(key)
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: buffer,
        ContentType: contentType,
        ContentLength: buffer.length,
      }),
    )
  }

  async get(key: string): Promise<StoredPhoto | null> {
    assertKey(key)
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      if (!(out.Body instanceof Readable) || out.ContentLength === undefined) {
        throw new Error(`S3 GetObject ${key}: expected a Node stream with a Content-Length`)
      }
      return {
        stream: out.Body,
        size: out.ContentLength,
        contentType: out.ContentType ?? 'application/octet-stream',
      }
    } catch (err) {
      if (isNotFound(err)) return null
      throw err
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key)
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))
  }

  close(): void {
    this.client.destroy()
  }
}

/** The key is absent. A missing bucket is also a 404 but a configuration error: let it throw. */
function isNotFound(err: unknown): boolean {
  if (!(err instanceof S3ServiceException) || err.name === 'NoSuchBucket') return false
  return err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404
}
