// The same or a near-same photo in another claim is flagged on both claims,
// for arbiters only.
import t from 'tap'
import sharp from 'sharp'
import { photoJpeg } from '../photos/fixtures/images.js'
import { registerOrder } from '../helpers/fixtures.js'
import { hammingDistance } from '../../src/domain/photos/pipeline/index.js'
import { BANDS, phashKeys, phashProbeKeys } from '../../src/domain/photos/reuse.js'
import { photoApp, postClaim, rowCounts } from './helpers.js'

t.test('a photo reused by another buyer is flagged to arbiters, never to the parties', async (t) => {
  const app = await photoApp(t)
  const first = await registerOrder(app, { buyer: 'buyer-r1', seller: 'shop-r1' })
  const second = await registerOrder(app, { buyer: 'buyer-r2', seller: 'shop-r2' })
  const third = await registerOrder(app, { buyer: 'buyer-r3', seller: 'shop-r1' })

  const original = await photoJpeg(1200, 900, 31)
  // The same picture cropped a little and re-compressed: other bytes, the same look.
  const nearCopy = await sharp(original)
    .extract({ left: 20, top: 15, width: 1160, height: 870 })
    .jpeg({ quality: 70 })
    .toBuffer()
  const unrelated = await photoJpeg(1200, 900, 32)

  const a = await postClaim(app, first, [original])
  t.equal(a.statusCode, 201, a.body)
  const claimA = a.json()
  const b = await postClaim(app, second, [unrelated, nearCopy])
  t.equal(b.statusCode, 201, b.body)
  const claimB = b.json()
  const c = await postClaim(app, third, [original])
  t.equal(c.statusCode, 201, c.body)
  const claimC = c.json()

  const rows = await app.db.selectFrom('photos').select(['id', 'claim_id', 'phash', 'sha256']).execute()
  const phashOf = (id: string) => rows.find((r) => r.id === id)?.phash as string
  const d = hammingDistance(phashOf(claimA.photos[0].id), phashOf(claimB.photos[1].id))
  t.ok(d > 0 && d <= 6, `fixture: the near copy is ${d} bits from the original`)
  t.ok(
    hammingDistance(phashOf(claimA.photos[0].id), phashOf(claimB.photos[0].id)) > 6,
    'fixture: the unrelated photo is far',
  )

  const arbiter = (id: string) =>
    app.call(['arbiter', 'arb-1'], { method: 'GET', url: `/v1/claims/${id}` }).then((r) => r.json())
  t.same(
    (await arbiter(claimB.id)).photo_reuse,
    [{ photo_id: claimB.photos[1].id, other_claim_ids: [claimA.id, claimC.id], distance: d }],
    'the near copy is flagged, against the earlier claim and the later one',
  )
  t.same(
    (await arbiter(claimA.id)).photo_reuse,
    [{ photo_id: claimA.photos[0].id, other_claim_ids: [claimB.id, claimC.id], distance: 0 }],
    'the original is flagged on the earlier claim too (identical bytes in C: distance 0)',
  )
  t.same(
    (await arbiter(claimC.id)).photo_reuse,
    [{ photo_id: claimC.photos[0].id, other_claim_ids: [claimA.id, claimB.id], distance: 0 }],
    'an identical copy: distance 0',
  )
  const sha = (id: string) => rows.find((r) => r.id === id)?.sha256
  t.equal(sha(claimA.photos[0].id), sha(claimC.photos[0].id), 'fixture: the same upload normalises to the same bytes')
  const listed = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: '/v1/claims?state=awaiting_seller' })
  t.ok(
    listed.json().items.every((item: { photo_reuse?: unknown[] }) => Array.isArray(item.photo_reuse)),
    'arbiter lists carry the flags too',
  )

  // The parties: no flag, not even an empty one, in any read.
  for (const [who, claim] of [
    [['buyer', second.buyer], claimB],
    [['seller', second.seller], claimB],
    [['buyer', first.buyer], claimA],
    [['seller', first.seller], claimA],
    [['service', 'marketplace'], claimA],
  ] as const) {
    const seen = await app.call([who[0], who[1]], { method: 'GET', url: `/v1/claims/${claim.id}` })
    t.equal(seen.statusCode, 200)
    t.notOk('photo_reuse' in seen.json(), `${who.join(' ')}: no photo_reuse`)
    t.notMatch(seen.body, /reuse/, `${who.join(' ')}: nothing about reuse in the body`)
  }
  t.notOk('photo_reuse' in b.json(), 'nor in the creation response')
  t.equal((await rowCounts(app)).photo_reuse, 6, 'three pairs, both directions')
})

t.test('reuse is only across claims: two near-same photos in one claim are no flag', async (t) => {
  const app = await photoApp(t)
  const order = await registerOrder(app, { buyer: 'buyer-s1' })
  const one = await photoJpeg(800, 600, 41)
  const res = await postClaim(app, order, [one, await sharp(one).jpeg({ quality: 50 }).toBuffer()])
  t.equal(res.statusCode, 201)
  const seen = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: `/v1/claims/${res.json().id}` })
  t.same(seen.json().photo_reuse, [])
})

t.test('the multi-index probe finds every hash within the distance (pigeonhole over 4 bands)', async (t) => {
  let state = 12345
  const random16 = () => {
    state = (state * 1103515245 + 12345) >>> 0
    return state >>> 16
  }
  const hex = (bands: number[]) => bands.map((b) => b.toString(16).padStart(4, '0')).join('')
  for (const distance of [0, 3, 6, 7, 11]) {
    let missed = 0
    for (let trial = 0; trial < 300; trial++) {
      const base = Array.from({ length: BANDS }, random16)
      const other = [...base]
      // Flip exactly `distance` distinct bits spread at random over the 64.
      const bits = new Set<number>()
      while (bits.size < distance) bits.add(random16() % 64)
      for (const bit of bits) other[bit >> 4] = (other[bit >> 4] as number) ^ (1 << (bit & 15))
      t.equal(hammingDistance(hex(base), hex(other)), distance)
      const probe = new Set(phashProbeKeys(hex(base), distance))
      if (!phashKeys(hex(other)).some((k) => probe.has(k))) missed++
    }
    t.equal(missed, 0, `distance ${distance}: no hash within reach missed`)
  }
  t.equal(phashProbeKeys('0123456789abcdef', 6)?.length, 4 * 17, 'd = 6 probes 68 keys')
  t.equal(phashProbeKeys('0123456789abcdef', 12), null, 'd ≥ 12 falls back to the bounded scan')
})

t.test('with a wide reuse distance the bounded scan still finds matches', async (t) => {
  const app = await photoApp(t, { photo_reuse_distance: 16 })
  const first = await registerOrder(app, { buyer: 'buyer-w1' })
  const second = await registerOrder(app, { buyer: 'buyer-w2' })
  const original = await photoJpeg(800, 600, 51)
  const a = await postClaim(app, first, [original])
  // About 10 bits away: beyond the default distance of 6, within 16.
  const b = await postClaim(app, second, [
    await sharp(original).extract({ left: 40, top: 30, width: 720, height: 540 }).jpeg({ quality: 70 }).toBuffer(),
  ])
  t.equal(b.statusCode, 201)
  const seen = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: `/v1/claims/${b.json().id}` })
  t.match(seen.json().photo_reuse, [{ other_claim_ids: [a.json().id] }])
  t.ok(
    seen.json().photo_reuse[0].distance > 6,
    `found at distance ${seen.json().photo_reuse[0].distance}, beyond what the default would flag`,
  )
})
