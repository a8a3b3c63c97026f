// The S3 backend against a real S3-compatible server (s3rver, in-process on
// loopback, speaking the S3 REST/XML protocol over HTTP): no mocks.
import t from 'tap'
import S3rver from 's3rver'
import { createStorage, photoKey, type PhotoStorage } from '../../src/domain/photos/pipeline/index.js'
import { readAll, sha, storageContract } from './fixtures/storage-contract.js'

const BUCKET = 'claimdesk-photos'
// s3rver's fixed credentials; the backend must pick them up from the standard env vars.
process.env.AWS_ACCESS_KEY_ID = 'S3RVER'
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER'
process.env.AWS_EC2_METADATA_DISABLED = 'true'

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: t.testdir(),
  configureBuckets: [{ name: BUCKET }],
})
const address = await server.run()
const endpoint = `http://127.0.0.1:${address.port}`
t.comment(`s3rver listening on ${endpoint}`)

const opened: PhotoStorage[] = []
const open = (bucket = BUCKET): PhotoStorage => {
  const storage = createStorage({ kind: 's3', endpoint, bucket, region: 'us-east-1' })
  opened.push(storage)
  return storage
}
t.teardown(async () => {
  for (const storage of opened) storage.close?.()
  await server.close()
})

t.test('S3 storage meets the storage contract', async (t) => {
  await storageContract(t, open())
})

t.test('the stream is a real HTTP body that can be consumed once', async (t) => {
  const storage = open()
  const key = photoKey(sha('9a9b'), 'preview')
  await storage.put(key, Buffer.from('preview bytes'), 'image/jpeg')
  const got = await storage.get(key)
  t.equal(got!.size, 13)
  t.equal((await readAll(got!.stream)).toString(), 'preview bytes')
})

t.test('credentials come from the standard environment variables', async (t) => {
  // s3rver checks the access key id but does not verify SigV4 signatures,
  // so a wrong key id is what proves the env var is the one used.
  const saved = process.env.AWS_ACCESS_KEY_ID
  process.env.AWS_ACCESS_KEY_ID = 'NOT-A-KNOWN-KEY'
  try {
    const storage = open()
    await t.rejects(storage.put(photoKey(sha('0c0d'), 'full'), Buffer.from('x'), 'image/jpeg'), {
      name: 'InvalidAccessKeyId',
    })
  } finally {
    process.env.AWS_ACCESS_KEY_ID = saved
  }
})

t.test('a missing bucket is an error, not a silent null', async (t) => {
  const storage = open('no-such-bucket')
  await t.rejects(storage.get(photoKey(sha('0e0f'), 'full')), { name: 'NoSuchBucket' })
})
