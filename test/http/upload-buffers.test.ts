// Uploads are read into reusable slabs: a slab goes back to the pool on a
// refusal or when its reader releases it, and a reused slab never shows a
// previous upload's bytes.
import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { createHash } from 'node:crypto'
import { Type } from 'typebox'
import { UploadBuffers } from '../../src/http/upload-buffers.js'
import { uploadBufferAllocations } from '../../src/http/metrics.js'
import { formBody, idleSlabsFor, IDLE_SLAB_BYTES_MAX, multipartPlugin } from '../../src/http/multipart.js'
import { PHOTO_PARALLELISM } from '../../src/domain/photos/pipeline/index.js'
import { registerProblemHandlers } from '../../src/http/problem.js'
import { multipart } from '../photos-http/helpers.js'

t.test('slabs are reused, at most `keep` are kept idle, strangers and doubles are ignored', async (t) => {
  const pool = new UploadBuffers(1024, 2)
  const a = pool.take()
  const b = pool.take()
  const c = pool.take()
  t.equal(a.length, 1024)
  t.not(a, b, 'a new slab while none is idle')
  pool.give(a)
  pool.give(a)
  t.equal(pool.idleCount, 1, 'giving the same slab twice keeps it once')
  t.equal(pool.take(), a, 'an idle slab is handed out again')
  pool.give(a)
  pool.give(b)
  pool.give(c)
  t.equal(pool.idleCount, 2, 'the third is left to the GC')
  pool.give(Buffer.alloc(512))
  t.equal(pool.idleCount, 2, 'a buffer of another size is not taken in')
})

t.test('idle slabs: two per core, within a memory budget', async (t) => {
  t.equal(idleSlabsFor(10 * 1024 * 1024), Math.min(2 * PHOTO_PARALLELISM, 25), '10 MB photos')
  t.equal(idleSlabsFor(IDLE_SLAB_BYTES_MAX / 2), 2, 'huge photos: only what the budget holds')
  t.equal(idleSlabsFor(IDLE_SLAB_BYTES_MAX * 2), 1, 'never none')
})

/** claimdesk_upload_buffer_allocations_total by size label, as counted so far. */
async function allocations(): Promise<Record<string, number>> {
  const { values } = await uploadBufferAllocations.get()
  return Object.fromEntries(values.map((v) => [String(v.labels.size), v.value]))
}

t.test('with no slab idle, a body declared under a quarter slab gets a buffer of its own size', async (t) => {
  const before = await allocations()
  const pool = new UploadBuffers(1024, 2)
  const small = pool.take(100)
  t.equal(small.length, 100)
  pool.give(small)
  t.equal(pool.idleCount, 0, 'not pooled')
  t.equal(pool.take(256).length, 1024, 'a quarter slab or more gets a slab')
  t.equal(pool.take(5000).length, 1024, 'never more than a slab')
  const slab = pool.take()
  pool.give(slab)
  t.equal(pool.take(100), slab, 'an idle slab serves any size')
  const after = await allocations()
  t.same(
    { own: (after.own ?? 0) - (before.own ?? 0), slab: (after.slab ?? 0) - (before.slab ?? 0) },
    { own: 1, slab: 3 },
    'allocations are counted for /metrics (a reused slab is not)',
  )
})

const BYTES_MAX = 32 * 1024

/** A bare app with the multipart reader; the route echoes what it read and releases it when told. */
async function readerApp(t: Test): Promise<FastifyInstance> {
  const app = Fastify()
  registerProblemHandlers(app)
  await app.register(multipartPlugin, { photosMax: 3, photoBytesMax: BYTES_MAX })
  app.post(
    '/upload',
    { preValidation: formBody(Type.Object({ keep: Type.Optional(Type.Boolean()) })) },
    async (request) => {
      const uploads = request.uploads ?? []
      const seen = uploads.map((u) => ({
        length: u.buffer.length,
        sha256: createHash('sha256').update(u.buffer).digest('hex'),
        declared: u.sha256,
      }))
      if ((request.body as { keep?: boolean }).keep !== true) for (const u of uploads) u.release()
      return seen
    },
  )
  t.teardown(() => app.close())
  return app
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff))

t.test('a smaller upload read into a reused slab is exactly its own bytes', async (t) => {
  const app = await readerApp(t)
  const big = bytes(30_000, 1)
  const other = bytes(30_000, 2)
  const small = bytes(1_000, 3)
  // The body is over a slab: each photo gets a whole slab.
  const first = await app.inject({ method: 'POST', url: '/upload', ...multipart({}, [{ data: big }, { data: other }]) })
  t.equal(first.statusCode, 200)
  t.equal(app.uploadBuffers.idleCount, 2, 'released: both back in the pool')
  const second = await app.inject({
    method: 'POST',
    url: '/upload',
    ...multipart({}, [{ data: small }, { data: big }]),
  })
  t.same(second.json(), [
    { length: small.length, sha256: sha(small), declared: sha(small) },
    { length: big.length, sha256: sha(big), declared: sha(big) },
  ])
  t.equal(app.uploadBuffers.idleCount, 2, 'the same two slabs back')
})

t.test('a small body with no slab idle is read into a buffer of its own, not pooled', async (t) => {
  const app = await readerApp(t)
  const small = bytes(1_000, 4)
  // 1 kB declared: under a quarter of the 32 kB slab.
  const reply = await app.inject({ method: 'POST', url: '/upload', ...multipart({}, [{ data: small }]) })
  t.same(reply.json(), [{ length: small.length, sha256: sha(small), declared: sha(small) }])
  t.equal(app.uploadBuffers.idleCount, 0)
})

t.test('a refused upload gives its slabs back; an unreleased one stays out', async (t) => {
  const app = await readerApp(t)
  const ok = bytes(10_000, 5)
  const tooBig = await app.inject({
    method: 'POST',
    url: '/upload',
    ...multipart({}, [{ data: ok }, { data: bytes(BYTES_MAX + 1, 6) }]),
  })
  t.equal(tooBig.statusCode, 413)
  t.equal(tooBig.json().type, 'https://claimdesk.dev/problems/photo-too-large')
  t.equal(app.uploadBuffers.idleCount, 2, 'the read photo and the one over the limit are both back')
  const tooMany = await app.inject({
    method: 'POST',
    url: '/upload',
    ...multipart(
      {},
      Array.from({ length: 4 }, () => ({ data: ok })),
    ),
  })
  t.equal(tooMany.statusCode, 422)
  t.equal(app.uploadBuffers.idleCount, 3, 'three read before the fourth was refused, all back (two reused)')
  const kept = await app.inject({ method: 'POST', url: '/upload', ...multipart({ keep: 'true' }, [{ data: ok }]) })
  t.equal(kept.statusCode, 200)
  t.equal(app.uploadBuffers.idleCount, 2, 'a slab its reader still holds is not handed out')
})
