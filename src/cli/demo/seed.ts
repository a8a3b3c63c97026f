// A small marketplace, made through the public API: orders for several buyers and sellers,
// claims in every state the lifecycle reaches without waiting, escalated ones with photos
// (one photo reused across two claims), offers, chats with refused attempts, violations,
// an abuse report and a seller's chat suspension pending review.
import { randomBytes } from 'node:crypto'
import sharp from 'sharp'
import type { ApiClient, As } from './client.js'

export const DEMO = {
  buyers: ['buyer-1', 'buyer-2', 'buyer-3', 'buyer-4'],
  sellers: ['shop-1', 'shop-2', 'shop-3'],
  arbiter: 'arbiter-1',
} as const

const SERVICE: As = ['service', 'marketplace']
const PRODUCTS = [
  { sku: 'KETTLE-1', title: 'Электрический чайник', unit_price: 349_000 },
  { sku: 'BLENDER-2', title: 'Блендер погружной', unit_price: 529_000 },
  { sku: 'HEADPHONES-3', title: 'Беспроводные наушники', unit_price: 1_249_000 },
  { sku: 'IRON-4', title: 'Утюг с паром', unit_price: 289_000 },
]

/** A JPEG of coloured noise: every call a different photo to the perceptual hash. */
async function photo(): Promise<Buffer> {
  return sharp(randomBytes(48 * 36 * 3), { raw: { width: 48, height: 36, channels: 3 } })
    .resize(960, 720, { kernel: 'nearest' })
    .jpeg({ quality: 80 })
    .toBuffer()
}

export async function seedMarketplace(api: ApiClient, log: (line: string) => void = () => {}) {
  let n = 0
  const order = async (buyer: string, seller: string) => {
    n += 1
    const product = PRODUCTS[n % PRODUCTS.length] as (typeof PRODUCTS)[number]
    const id = `demo-order-${String(n).padStart(3, '0')}`
    await api.ok(SERVICE, 'POST', '/v1/orders', {
      id,
      buyer_id: buyer,
      seller_id: seller,
      scheme: ['FBS', 'FBO', 'DBS'][n % 3],
      delivered_at: new Date(Date.now() - (n + 1) * 86_400_000).toISOString(),
      lines: [{ id: 'l1', quantity: 1, ...product }],
    })
    return { id, buyer, seller, lineTotal: product.unit_price }
  }
  type Order = Awaited<ReturnType<typeof order>>

  const open = async (o: Order, reason: string, description: string, photos: Buffer[] = []) => {
    const form = new FormData()
    form.set('order_id', o.id)
    form.set('line_id', 'l1')
    form.set('reason', reason)
    form.set('requested_resolution', 'refund')
    form.set('description', description)
    for (const p of photos) form.append('photos', new Blob([new Uint8Array(p)], { type: 'image/jpeg' }), 'photo.jpg')
    const claim = await api.ok(['buyer', o.buyer], 'POST', '/v1/claims', form)
    return claim.id as string
  }
  const seller = (o: Order): As => ['seller', o.seller]
  const buyer = (o: Order): As => ['buyer', o.buyer]
  const arbiter: As = ['arbiter', DEMO.arbiter]
  const defect = async (o: Order, text: string, photos?: Buffer[]) => open(o, 'defect', text, photos ?? [await photo()])
  const escalate = async (o: Order, id: string) => {
    await api.act(seller(o), id, {
      action: 'reject',
      reason_code: 'no_defect_found',
      comment: 'Проверили на складе: дефект не подтвердился.',
    })
    await api.act(buyer(o), id, { action: 'escalate', comment: 'Дефект есть, посмотрите фотографии.' })
  }
  const [b1, b2, b3, b4] = DEMO.buyers
  const [s1, s2, s3] = DEMO.sellers

  // Waiting for the seller, for the buyer's information, for the buyer's answer to an offer.
  await defect(await order(b1, s1), 'Чайник течёт по шву на дне после второго кипячения.')
  const info = await order(b2, s1)
  await api.act(seller(info), await defect(info, 'Не включается, индикатор не горит.'), {
    action: 'request_info',
    comment: 'Пришлите, пожалуйста, фото наклейки с серийным номером.',
  })
  const offered = await order(b1, s2)
  await api.act(seller(offered), await defect(offered, 'Блендер сильно вибрирует на всех скоростях.'), {
    action: 'offer_compensation',
    amount: 100_000,
  })
  // Rejected (the buyer may still dispute it) and withdrawn.
  const rejected = await order(b3, s2)
  await api.act(seller(rejected), await defect(rejected, 'Царапина на корпусе.'), {
    action: 'reject',
    reason_code: 'mechanical_damage',
    comment: 'На фото видно механическое повреждение после эксплуатации.',
  })
  const withdrawn = await order(b4, s1)
  await api.act(buyer(withdrawn), await defect(withdrawn, 'Не работает кнопка.'), { action: 'withdraw' })

  // A return: awaited, then in transit. A replacement: being fulfilled, then awaiting receipt.
  const ret = await order(b2, s2)
  await api.act(seller(ret), await defect(ret, 'Наушники не заряжаются.'), {
    action: 'approve_refund',
    with_return: true,
  })
  const transit = await order(b3, s1)
  const transitId = await defect(transit, 'Утюг не нагревается.')
  await api.act(seller(transit), transitId, { action: 'approve_refund', with_return: true })
  await api.act(buyer(transit), transitId, { action: 'ship_return', tracking: 'RA123456785RU' })
  const replace = await order(b4, s2)
  const replaceId = await defect(replace, 'Отломилась ручка.')
  await api.act(seller(replace), replaceId, { action: 'offer_replacement' })
  await api.act(buyer(replace), replaceId, { action: 'accept_offer' })
  const receipt = await order(b1, s3)
  const receiptId = await defect(receipt, 'Трещина на крышке.')
  await api.act(seller(receipt), receiptId, { action: 'offer_replacement' })
  await api.act(buyer(receipt), receiptId, { action: 'accept_offer' })
  await api.act(seller(receipt), receiptId, { action: 'confirm_shipment', tracking: 'CDEK-000123' })
  // Resolved: a compensation accepted.
  const resolved = await order(b2, s3)
  const resolvedId = await defect(resolved, 'Не хватает насадки.')
  await api.act(seller(resolved), resolvedId, { action: 'offer_compensation', amount: 50_000 })
  await api.act(buyer(resolved), resolvedId, { action: 'accept_offer' })

  // Escalated: unassigned (two of them share a photo: flagged as reused), under review, awaiting information.
  const shared = await photo()
  const e1 = await order(b3, s3)
  await escalate(e1, await defect(e1, 'Наушники: левый не звучит.', [shared, await photo()]))
  const e2 = await order(b4, s3)
  await escalate(e2, await defect(e2, 'Наушники пришли с браком: нет звука слева.', [shared]))
  const e3 = await order(b1, s1)
  const e3Id = await defect(e3, 'Чайник бьёт током.', [await photo(), await photo()])
  await escalate(e3, e3Id)
  await api.act(arbiter, e3Id, { action: 'take' })
  const e4 = await order(b2, s2)
  const e4Id = await defect(e4, 'Блендер дымит при включении.')
  await escalate(e4, e4Id)
  await api.act(arbiter, e4Id, { action: 'take' })
  await api.act(arbiter, e4Id, {
    action: 'request_info',
    from: 'seller',
    comment: 'Пришлите акт проверки из сервисного центра.',
  })

  // Chats: a refused attempt (a phone number), a message reported as abusive,
  // and a seller whose repeated attempts suspend its chat pending an arbiter's review.
  const thread = async (o: Order) =>
    (await api.ok(buyer(o), 'GET', `/v1/threads?order_id=${o.id}&limit=1`)).items[0].id as string
  const t1 = await thread(e1)
  await api.call(seller(e1), 'POST', `/v1/threads/${t1}/messages`, { text: 'Позвоните мне: +7 912 345-67-89' })
  const rude = await api.ok(buyer(e1), 'POST', `/v1/threads/${t1}/messages`, {
    text: 'Отвечайте быстрее, я жду уже неделю!',
  })
  await api.ok(seller(e1), 'POST', `/v1/threads/${t1}/messages/${rude.id}/report`, { reason: 'давление' })
  await api.ok(seller(e1), 'POST', `/v1/threads/${t1}/messages`, { text: 'Передали вопрос в сервисный центр.' })
  const t2 = await thread(e2)
  for (let i = 0; i < 10; i++) {
    const res = await api.call(seller(e2), 'POST', `/v1/threads/${t2}/messages`, {
      text: `Напишите мне в телеграм @shop3_support${i}`,
    })
    if (res.status === 403) break // suspended
  }
  log(`seeded ${n} orders and claims`)
  return { buyer: b1 as string, seller: s1 as string, arbiter: DEMO.arbiter }
}
