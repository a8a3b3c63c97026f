// Concurrent uploads share the reusable upload slabs: each claim must still
// get exactly its own photo, whichever slab carried it and whoever used that
// slab before.
import t from 'tap'
import { processPhoto } from '../../src/domain/photos/pipeline/index.js'
import { uploadBufferAllocations } from '../../src/http/metrics.js'
import { idleSlabsFor } from '../../src/http/multipart.js'
import { photoJpeg } from '../photos/fixtures/images.js'
import { registerOrder } from '../helpers/fixtures.js'
import { photoApp, postClaim } from './helpers.js'

const BYTES_MAX = 400_000
const UPLOADS_PER_WAVE = 6

async function slabAllocations(): Promise<number> {
  const { values } = await uploadBufferAllocations.get()
  return values.find((v) => v.labels.size === 'slab')?.value ?? 0
}

t.test('two waves of concurrent uploads: every claim stores its own photo, and slabs are reused', async (t) => {
  const app = await photoApp(t, { photo_bytes_max: BYTES_MAX })
  const waves = await Promise.all(
    [0, 1].map((wave) =>
      Promise.all(
        // Different sizes, so a later upload lands in a slab holding a longer earlier one.
        Array.from({ length: UPLOADS_PER_WAVE }, (_, i) => photoJpeg(1200 - 60 * i, 900 - 45 * i, 100 * wave + i + 1)),
      ),
    ),
  )
  for (const photo of waves.flat())
    t.ok(photo.length >= BYTES_MAX / 4 && photo.length < BYTES_MAX, `fixture: ${photo.length} B takes a slab`)
  const slabsBefore = await slabAllocations()

  for (const [wave, photos] of waves.entries()) {
    const expected = await Promise.all(
      photos.map(async (photo) => (await processPhoto(photo, { pixelsMax: 40_000_000 })).sha256),
    )
    const orders = await Promise.all(
      photos.map((_, i) => registerOrder(app, { buyer: `buyer-w${wave}-${i}`, seller: 'shop-concurrent' })),
    )
    const replies = await Promise.all(photos.map((photo, i) => postClaim(app, orders[i]!, [photo])))
    for (const [i, reply] of replies.entries()) {
      t.equal(reply.statusCode, 201, reply.body)
      const photoId = reply.json().photos[0].id as string
      const row = await app.db.selectFrom('photos').select('sha256').where('id', '=', photoId).executeTakeFirstOrThrow()
      t.equal(row.sha256, expected[i], `wave ${wave + 1}, upload ${i + 1}: its own photo`)
    }
  }
  const slabs = (await slabAllocations()) - slabsBefore
  // The first wave allocates at most one slab per upload; the second reuses those kept idle.
  const reusable = Math.min(idleSlabsFor(BYTES_MAX), UPLOADS_PER_WAVE)
  t.ok(
    slabs <= 2 * UPLOADS_PER_WAVE - reusable,
    `the second wave reused the first wave's slabs (${slabs} allocated for ${2 * UPLOADS_PER_WAVE} uploads)`,
  )
})
