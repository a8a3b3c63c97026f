// The public contract: verdicts, excerpts from the original text, hints, roles.
import t from 'tap'
import { moderate } from '../../src/domain/moderation/engine/index.js'
import { toResult } from '../../src/domain/moderation/engine/index.js'

const ctx = { senderRole: 'buyer' as const, allowedDomains: ['ozon.ru'] }

t.test('clean message is delivered', async (t) => {
  t.same(moderate('Здравствуйте! Пришёл брак, прошу вернуть деньги.', ctx), { verdict: 'deliver', violations: [] })
})

t.test('a certain violation blocks, with the original excerpt and a Russian hint', async (t) => {
  const text = 'Пишите в ТЕЛЕГУ: @Ivan_Petrov'
  const r = moderate(text, ctx)
  t.equal(r.verdict, 'block')
  const byRule = Object.fromEntries(r.violations.map((v) => [v.rule, v]))
  t.equal(byRule['contact_exchange']?.excerpt, '@Ivan_Petrov', 'excerpt keeps the original case')
  t.equal(byRule['off_platform_lure']?.excerpt, 'Пишите в ТЕЛЕГУ')
  for (const v of r.violations) {
    t.ok(text.includes(v.excerpt), `excerpt is a substring of the original: ${v.excerpt}`)
    t.match(v.hint, /[а-яё]/i, 'hint is in Russian')
  }
})

t.test('excerpt of an obfuscated word covers the original characters', async (t) => {
  const text = 'ну и х\u200bу*ня'
  const v = moderate(text, ctx).violations
  t.equal(v.length, 1)
  t.equal(v[0]!.excerpt, 'х\u200bу*ня')
  const spaced = 'это п и з д е ц'
  t.equal(moderate(spaced, ctx).violations[0]!.excerpt, 'п и з д е ц')
})

t.test('weak signals alone give review, any certain one gives block', async (t) => {
  const weak = { rule: 'contact_exchange' as const, start: 0, end: 3, certain: false }
  const strong = { rule: 'obscenity' as const, start: 4, end: 7, certain: true }
  t.equal(toResult('abc def', [weak]).verdict, 'review')
  t.equal(toResult('abc def', [weak, strong]).verdict, 'block')
  t.equal(toResult('abc def', []).verdict, 'deliver')
  // A bare 10-digit number that reads as a mobile phone is a weak signal.
  t.equal(moderate('вот 9161234567', ctx).verdict, 'review')
})

t.test('violations are de-duplicated and capped per rule', async (t) => {
  const r = moderate('бля бля бля сука сука хуй пиздец', ctx)
  t.equal(r.violations.filter((v) => v.rule === 'obscenity').length, 3)
  t.equal(new Set(r.violations.map((v) => v.excerpt.toLowerCase())).size, 3)
})

t.test('arbiter and system messages are moderated too', async (t) => {
  t.equal(moderate('Звоните 8 916 123-45-67', { senderRole: 'system', allowedDomains: [] }).verdict, 'block')
  t.equal(moderate('Нет', { senderRole: 'arbiter', allowedDomains: [] }).verdict, 'deliver')
})

t.test('empty and whitespace messages', async (t) => {
  t.equal(moderate('', { senderRole: 'seller', allowedDomains: [] }).verdict, 'deliver')
  t.equal(moderate('   ', { senderRole: 'seller', allowedDomains: [] }).verdict, 'deliver')
})
