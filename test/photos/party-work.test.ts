// Photo work in flight per party: past photos_in_flight_per_party a party's
// next upload is refused (429 uploads-in-flight, retry_after), other parties
// go on, and the room comes back once its photos have settled, refused or not;
// at most photo_decodes_per_party of its photos decode at once.
import t, { type Test } from 'tap'
import { createTestDatabase } from '../helpers/database.js'
import { bareServices } from '../helpers/services.js'
import { resolvePolicy, type PolicyFile } from '../../src/config/policy.js'
import { createStorage } from '../../src/domain/photos/pipeline/index.js'
import type { PhotosService, PhotoUpload } from '../../src/domain/photos/photos.service.js'
import { DomainError } from '../../src/shared/errors.js'
import { PartyWork } from '../../src/domain/photos/party-work.js'
import { photoJpeg } from './fixtures/images.js'

const BUYER = { role: 'buyer', id: 'buyer-1' }
const OTHER = { role: 'buyer', id: 'buyer-2' }

async function service(t: Test, policy: PolicyFile): Promise<PhotosService> {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  return bareServices(database.db, {
    policy: resolvePolicy(policy),
    storage: createStorage({ kind: 'local', dir: t.testdir() }),
  }).photos
}

const upload = (buffer: Buffer, released: string[] = [], name = 'p'): PhotoUpload => ({
  buffer,
  filename: `${name}.jpg`,
  release: () => released.push(name),
})

t.test('a party over photos_in_flight_per_party is refused with 429; others are not', async (t) => {
  const photos = await service(t, { photos_in_flight_per_party: 3 })
  const big = await photoJpeg(3000, 2000, 1)
  const small = await photoJpeg(320, 240, 2)
  const running = photos.prepare([upload(big), upload(big), upload(big)], BUYER)
  const released: string[] = []
  const refused: unknown = await photos.prepare([upload(small, released, 'refused')], BUYER).catch((e: unknown) => e)
  t.ok(refused instanceof DomainError, 'refused')
  t.match(refused, {
    status: 429,
    slug: 'uploads-in-flight',
    extensions: { limit: 'photos_in_flight_per_party', max: 3, retry_after: 5 },
  })
  t.same(released, ['refused'], 'the refused upload is released at once')
  const other = await photos.prepare([upload(small)], OTHER)
  t.equal(other.length, 1, 'another party is processed meanwhile')
  t.equal((await running).length, 3)
  t.equal((await photos.prepare([upload(small)], BUYER)).length, 1, 'room again once its photos are done')
})

t.test('a refused set gives its room back too', async (t) => {
  const photos = await service(t, { photos_in_flight_per_party: 1 })
  const corrupt = (await photoJpeg(640, 480, 3)).subarray(0, 2000)
  t.match(await photos.prepare([upload(corrupt)], BUYER).catch((e: unknown) => e), { slug: 'photo-corrupt' })
  t.equal((await photos.prepare([upload(await photoJpeg(320, 240, 4))], BUYER)).length, 1)
})

t.test('at most photo_decodes_per_party photos of one party run at once', async (t) => {
  const work = new PartyWork(10, 2)
  const ticket = work.enter('buyer:b', 5)
  let running = 0
  let peak = 0
  const task = async (): Promise<void> => {
    running++
    peak = Math.max(peak, running)
    await new Promise((resolve) => setTimeout(resolve, 20))
    running--
  }
  await Promise.all(Array.from({ length: 5 }, () => ticket.run(task)))
  t.equal(peak, 2)
  t.equal(work.inFlight('buyer:b'), 5)
  ticket.leave()
  ticket.leave()
  t.equal(work.inFlight('buyer:b'), 0, 'leave is idempotent')
})
