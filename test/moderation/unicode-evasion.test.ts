// Unicode evasion: digits of other scripts, bidirectional controls and tag
// characters must not hide a contact from the engine, and excerpts still
// quote the sender's original text.
import t from 'tap'
import { moderate, type ModerationResult } from '../../src/domain/moderation/engine/index.js'
import { fold } from '../../src/domain/moderation/engine/normalise.js'

const ctx = { senderRole: 'seller' as const, allowedDomains: ['ozon.ru', 'wildberries.ru'] }
const PHONE = '89161234567'

/** The phone written with the decimal digits of the script whose zero is `zero`. */
const inDigits = (digits: string, zero: number) =>
  [...digits].map((d) => String.fromCodePoint(zero + d.charCodeAt(0) - 48)).join('')

/** Tag characters (U+E0000–U+E007F) spelling `s`: invisible in every renderer. */
const tags = (s: string) => [...s].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('')

const contact = (r: ModerationResult) => r.violations.find((v) => v.rule === 'contact_exchange')

t.test('a phone in the decimal digits of any script is a contact', async (t) => {
  const scripts: [string, number][] = [
    ['Arabic-Indic', 0x660],
    ['Extended Arabic-Indic (Persian, Urdu)', 0x6f0],
    ['NKo', 0x7c0],
    ['Devanagari', 0x966],
    ['Bengali', 0x9e6],
    ['Gujarati', 0xae6],
    ['Tamil', 0xbe6],
    ['Thai', 0xe50],
    ['Tibetan', 0xf20],
    ['Myanmar', 0x1040],
    ['Khmer', 0x17e0],
    ['Mongolian', 0x1810],
    ['Fullwidth', 0xff10],
    ['Mathematical bold', 0x1d7ce],
    ['Mathematical monospace', 0x1d7f6],
    ['Adlam', 0x1e950],
  ]
  for (const [name, zero] of scripts) {
    const written = inDigits(PHONE, zero)
    const r = moderate(`Звоните ${written}, решим вопрос`, ctx)
    t.equal(r.verdict, 'block', `${name}: ${written}`)
    t.equal(contact(r)?.excerpt, written, `${name}: the excerpt quotes the digits as written`)
  }
})

t.test('digits of other scripts are read with their grouping, in cards and by context', async (t) => {
  const grouped = `+${inDigits('7', 0x660)} ${inDigits('916', 0x660)} ${inDigits('123', 0x660)}-${inDigits('45', 0x660)}-${inDigits('67', 0x660)}`
  t.equal(contact(moderate(`пишите ${grouped}`, ctx))?.excerpt, grouped, 'grouped, with a plus')
  const card = ['4276', '3800', '1234', '5679'].map((g) => inDigits(g, 0x966)).join(' ')
  t.equal(contact(moderate(`карта ${card}`, ctx))?.excerpt, card, 'a card number in Devanagari digits')
  const mixed = `8${inDigits('916', 0x660)}123${inDigits('4567', 0x6f0)}`
  t.ok(contact(moderate(`тел ${mixed}`, ctx)), 'digits of three scripts in one number')
  t.same(
    moderate(`Номер заказа ${inDigits(PHONE, 0x660)}`, ctx).violations,
    [],
    'an order number stays an order number, as with ASCII digits',
  )
})

t.test('tag characters are stripped before analysis', async (t) => {
  const between = `8${tags(' ')}916${tags('A')}123${tags('0')}45${tags('\u007f')}67`
  const r = moderate(`звоните ${between}`, ctx)
  t.equal(r.verdict, 'block', 'between the digits of a phone')
  t.equal(contact(r)?.excerpt, between, 'the excerpt keeps the tag characters the sender typed')
  const word = `Напишите мне в теле${tags('x')}грам`
  const plain = moderate('Напишите мне в телеграм', ctx)
  t.ok(plain.violations.length > 0, 'the plain form is flagged (precondition)')
  t.same(
    moderate(word, ctx).violations.map((v) => v.rule),
    plain.violations.map((v) => v.rule),
    'inside a word',
  )
  const handle = `@ivan${tags('b')}_petrov`
  t.equal(contact(moderate(`пишите ${handle}`, ctx))?.excerpt, handle, 'inside a handle')
  t.ok(moderate(`ivan.petrov${tags('c')}@mail.ru`, ctx).violations.length > 0, 'inside an address')
})

t.test('bidirectional controls between the digits are stripped', async (t) => {
  const controls = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e']
  for (const c of [...controls, '\u200f', '\u061c']) {
    const written = `8${c}916${c}123${c}45${c}67`
    const r = moderate(`звоните ${written}`, ctx)
    t.equal(r.verdict, 'block', `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)
  }
})

t.test('what a right-to-left override or isolate displays is read too', async (t) => {
  // U+202E shows "76-54-321-619-8" as "8-916-123-45-67".
  const reversed = '\u202e76-54-321-619-8\u202c'
  const r = moderate(`звоните ${reversed}`, ctx)
  t.equal(r.verdict, 'block', 'a phone typed backwards inside an override')
  t.equal(contact(r)?.excerpt, '76-54-321-619-8', 'the excerpt is the original text the phone was typed as')

  const lure = moderate('Пишите \u202eмаргелет в\u202c, там быстрее', ctx)
  t.ok(
    lure.violations.some((v) => v.rule === 'off_platform_lure'),
    'words typed backwards inside an override ("в телеграм" on screen)',
  )
  t.ok(
    moderate('\u202eur.liam@veteprnavi\u202c', ctx).violations.some((v) => v.rule === 'contact_exchange'),
    'an address typed backwards',
  )

  // Arabic-Indic digit groups separated by spaces display in reverse group order (UAX #9):
  // typed "67 45 123 916 8" they show as "8 916 123 45 67".
  const groups = ['67', '45', '123', '916', '8'].map((g) => inDigits(g, 0x660)).join(' ')
  t.ok(contact(moderate(`звоните ${groups}`, ctx)), 'digit groups that display as a phone')
  const isolate = `\u2067${['67', '45', '123', '916', '8'].map((g) => inDigits(g, 0x660)).join(' ')}\u2069`
  t.ok(contact(moderate(`звоните ${isolate}`, ctx)), 'inside a right-to-left isolate')
})

t.test('the catches that came before stay', async (t) => {
  const cases: [string, string][] = [
    ['fullwidth', 'звоните ８９１６１２３４５６７'],
    ['mathematical', 'звоните 𝟖𝟗𝟏𝟔𝟏𝟐𝟑𝟒𝟓𝟔𝟕'],
    ['circled', 'звоните ⑧⑨①⑥①②③④⑤⑥⑦'],
    ['zero-width joiners', 'звоните 8\u200d916\u200c123\u200b45\u2060 67'],
    ['homoglyph phone', 'звоните 8 9l6 l23 45 67'],
  ]
  for (const [name, text] of cases) t.equal(moderate(text, ctx).verdict, 'block', name)
  t.ok(
    moderate('пишите в тeлeгрaм', ctx).violations.some((v) => v.rule === 'off_platform_lure'),
    'Latin look-alikes inside a Cyrillic word',
  )
})

t.test('right-to-left text without contacts is delivered', async (t) => {
  for (const text of [
    'مرحبا، وصل المنتج مكسورا، أرجو استرداد المبلغ',
    'שלום, המוצר הגיע שבור',
    'Товар пришёл разбитым. שלום ٣ шт.',
    'Размер \u202b٤٢\u202c подошёл, спасибо',
  ]) {
    t.same(moderate(text, ctx), { verdict: 'deliver', violations: [] }, text)
  }
})

t.test('fold maps every decimal digit to ASCII and drops tags and bidi controls, keeping the map', async (t) => {
  t.equal(fold('٠١٢٣٤٥٦٧٨٩').text, '0123456789')
  t.equal(fold('०१२३४५६७८९').text, '0123456789')
  t.equal(fold('𞥐𞥑𞥒').text, '012', 'astral digits (Adlam)')
  // Every decimal numbering system ICU knows, digit by digit, against fold.
  let systems = 0
  for (const nu of Intl.supportedValuesOf('numberingSystem')) {
    const format = new Intl.NumberFormat('en', { numberingSystem: nu, useGrouping: false })
    const digits = Array.from({ length: 10 }, (_, d) => format.format(d))
    // Skipped: algorithmic systems (Roman, Han…) and ASCII itself.
    if (!digits.every((d) => /^\p{Nd}$/u.test(d)) || digits.join('') === '0123456789') continue
    systems++
    t.equal(fold(digits.join('')).text, '0123456789', `numbering system ${nu}`)
  }
  t.ok(systems >= 50, `${systems} decimal numbering systems checked`)
  const original = `a${tags('x')}\u202e٣b`
  const f = fold(original)
  t.equal(f.text, 'a3b')
  const three = f.origin(1, 2)
  t.equal(original.slice(three.start, three.end), '٣', 'the ASCII digit maps back to the digit typed')
})
