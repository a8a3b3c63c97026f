// The statistical layer: its file decodes to what was encoded, it reads
// paraphrases no lexicon lists and reports them as uncertain (verdict
// review), it leaves clean talk and lawful recourse alone, and it never
// judges a lone word.
import t from 'tap'
import { moderate } from '../../src/domain/moderation/engine/index.js'
import { analyse } from '../../src/domain/moderation/engine/analysis.js'
import { classify, MODEL_RULES } from '../../src/domain/moderation/engine/model/classifier.js'
import { chunksOf } from '../../src/domain/moderation/engine/model/features.js'
import { decodeWeights, encodeWeights } from '../../src/domain/moderation/engine/model/weights.js'

const ctx = { senderRole: 'seller' as const, allowedDomains: ['ozon.ru'] }

t.test('weights survive the sparse encoding', async (t) => {
  const q = new Int8Array(1000 * 3)
  q[0] = 5
  q[3 * 400 + 2] = -128
  q[3 * 999 + 1] = 127
  q[3 * 130] = -1
  t.same(decodeWeights(encodeWeights(q, 1000, 3), 1000, 3), q)
})

t.test('the model covers the intent rules only', async (t) => {
  t.same([...MODEL_RULES].sort(), [
    'insult',
    'off_platform_lure',
    'personal_data_request',
    'platform_disparagement',
    'review_manipulation',
    'threat',
  ])
})

t.test('paraphrases the lexicons miss are flagged for review, with the sentence as excerpt', async (t) => {
  const cases: [string, string][] = [
    ['Оформите возврат мимо площадки, я переведу деньги сам', 'off_platform_lure'],
    ['Модераторы тут работают спустя рукава', 'platform_disparagement'],
    ['Продиктуйте цифры из сообщения банка', 'personal_data_request'],
    ['Do the return outside the platform and I will send the money', 'off_platform_lure'],
  ]
  for (const [text, rule] of cases) {
    const r = moderate(text, ctx)
    t.equal(r.verdict, 'review', text)
    t.same(
      r.violations.map((v) => v.rule),
      [rule],
      text,
    )
    t.equal(r.violations[0]!.excerpt, text, 'the excerpt is the sentence')
  }
})

t.test('in a long complaint only the sentence that breaks the rule is the excerpt', async (t) => {
  const text =
    'Здравствуйте. Заказ пришёл вчера, коробка целая, но пылесос гудит. ' +
    'Модераторы тут работают спустя рукава. Прошу оформить возврат, чек сохранился.'
  const r = moderate(text, { senderRole: 'buyer', allowedDomains: [] })
  t.equal(r.verdict, 'review')
  t.equal(r.violations.length, 1)
  t.equal(r.violations[0]!.excerpt, 'Модераторы тут работают спустя рукава')
})

t.test('clean talk and lawful recourse are delivered', async (t) => {
  for (const text of [
    'Добрый день, пришлите фото дефекта',
    'Спасибо, заказ получила, всё хорошо',
    'Верните деньги, иначе я обращусь в суд',
    'Оформите возврат в разделе заказа, деньги придут на карту',
  ]) {
    t.same(moderate(text, ctx), { verdict: 'deliver', violations: [] }, text)
  }
})

t.test('a lone word is never scored; a rule the precise detectors found is not scored again', async (t) => {
  t.same(classify(analyse('мошенники'), new Set()), [])
  const a = analyse('Оформите возврат мимо площадки, я переведу деньги сам')
  t.equal(classify(a, new Set()).length, 1)
  t.same(classify(a, new Set(['off_platform_lure'])), [])
})

t.test('chunks: short sentences join the next, run-on text is read in overlapping windows', async (t) => {
  t.same(chunksOf(analyse('Нет. Ну что ж, давайте попробуем ещё раз')), [{ first: 0, last: 7 }])
  const runOn = analyse(Array.from({ length: 30 }, (_, i) => `слово${i}`).join(' '))
  const chunks = chunksOf(runOn)
  t.ok(chunks.length >= 4, `${chunks.length} windows`)
  t.equal(chunks[0]!.first, 0)
  t.equal(chunks[chunks.length - 1]!.last, 29)
  for (let i = 1; i < chunks.length; i++) t.ok(chunks[i]!.first <= chunks[i - 1]!.last, 'windows overlap')
})
