// The photo service is the last reader of upload bytes: it releases each
// upload exactly once, and only after every photo it started has settled,
// so a reader may hand the memory to the next upload.
import t, { type Test } from 'tap'
import { createTestDatabase } from '../helpers/database.js'
import { bareServices } from '../helpers/services.js'
import { resolvePolicy } from '../../src/config/policy.js'
import { createStorage, processPhoto } from '../../src/domain/photos/pipeline/index.js'
import type { PhotosService, PhotoUpload } from '../../src/domain/photos/photos.service.js'
import { photoJpeg } from './fixtures/images.js'

const BUYER = { role: 'buyer', id: 'buyer-1' }

async function service(t: Test): Promise<PhotosService> {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  return bareServices(database.db, {
    policy: resolvePolicy(),
    storage: createStorage({ kind: 'local', dir: t.testdir() }),
  }).photos
}

/** An upload whose release scribbles over its bytes, as the next upload would. */
function scribbledOnRelease(buffer: Buffer, releases: string[], name: string): PhotoUpload {
  const own = Buffer.from(buffer)
  return {
    buffer: own,
    filename: `${name}.jpg`,
    release: () => {
      releases.push(name)
      own.fill(0)
    },
  }
}

t.test('photos are processed from intact bytes and each upload is released once, after processing', async (t) => {
  const photos = await service(t)
  const a = await photoJpeg(2400, 1800, 1)
  const b = await photoJpeg(1600, 1200, 2)
  const expected = await Promise.all([a, b].map((x) => processPhoto(x, { pixelsMax: 40_000_000 })))
  const releases: string[] = []
  const prepared = await photos.prepare(
    [scribbledOnRelease(a, releases, 'a'), scribbledOnRelease(b, releases, 'b')],
    BUYER,
  )
  t.same(releases.sort(), ['a', 'b'], 'each released once')
  t.same(
    prepared.map((p) => p.sha256),
    expected.map((p) => p.sha256),
    'the same normalised photos as from untouched buffers',
  )
})

t.test('a refused photo releases every upload once, the one still processing included', async (t) => {
  const photos = await service(t)
  const releases: string[] = []
  // The broken one fails at once, while the big one is still decoding.
  const broken = scribbledOnRelease((await photoJpeg(640, 480, 4)).subarray(0, 3000), releases, 'broken')
  const big = scribbledOnRelease(await photoJpeg(3000, 2000, 3), releases, 'big')
  const never = scribbledOnRelease(await photoJpeg(64, 48, 5), releases, 'never started')
  const refusal: unknown = await photos.prepare([broken, big, never], BUYER).catch((err: unknown) => err)
  t.match(refusal, { slug: 'photo-corrupt' }, 'refused as corrupt')
  t.same(releases.sort(), ['big', 'broken', 'never started'], 'all released once, started or not')
})
