// Quality targets over the labelled corpus; a regression below them fails CI.
import t from 'tap'
import { evaluate, loadCorpus } from '../../bench/moderation-quality.js'

const rows = loadCorpus()
const { report } = evaluate(rows)

t.test('the corpus is big and covers every rule, plain and obfuscated', async (t) => {
  t.ok(rows.length >= 300, `${rows.length} messages`)
  t.ok(rows.filter((r) => r.expected.length === 0).length >= 100, 'many hard negatives')
  for (const [cat, s] of Object.entries(report)) {
    t.ok(s.plain.tp + s.plain.fn > 0, `${cat}: plain positives`)
    t.ok(s.obfuscated.tp + s.obfuscated.fn > 0, `${cat}: obfuscated positives`)
  }
})

const LEXICAL = ['obscenity', 'contact_exchange', 'external_link', 'card_number']
const INTENT = [
  'insult',
  'personal_data_request',
  'off_platform_lure',
  'platform_disparagement',
  'review_manipulation',
  'threat',
]

t.test('lexical rules: precision >= 0.95; recall >= 0.90 plain, >= 0.80 obfuscated', async (t) => {
  for (const cat of LEXICAL) {
    const r = report[cat]!
    t.ok(r.all.precision >= 0.95, `${cat} precision ${r.all.precision.toFixed(3)}`)
    t.ok(r.plain.precision >= 0.95, `${cat} plain precision ${r.plain.precision.toFixed(3)}`)
    t.ok(r.obfuscated.precision >= 0.95, `${cat} obfuscated precision ${r.obfuscated.precision.toFixed(3)}`)
    t.ok(r.plain.recall >= 0.9, `${cat} plain recall ${r.plain.recall.toFixed(3)}`)
    t.ok(r.obfuscated.recall >= 0.8, `${cat} obfuscated recall ${r.obfuscated.recall.toFixed(3)}`)
  }
})

t.test('intent rules: precision >= 0.85, recall >= 0.75', async (t) => {
  for (const cat of INTENT) {
    const r = report[cat]!
    t.ok(r.all.precision >= 0.85, `${cat} precision ${r.all.precision.toFixed(3)}`)
    t.ok(r.all.recall >= 0.75, `${cat} recall ${r.all.recall.toFixed(3)}`)
  }
})

t.test('low_effort_reply: precision >= 0.98', async (t) => {
  const r = report['low_effort_reply']!
  t.ok(r.all.precision >= 0.98, `precision ${r.all.precision.toFixed(3)}`)
  t.ok(r.all.recall >= 0.75, `recall ${r.all.recall.toFixed(3)}`)
})
