import t from 'tap'
import { fold, readingsOf, squeeze, digitsOf, tokenize } from '../../src/domain/moderation/engine/normalise.js'
import { analyse, phraseSpan } from '../../src/domain/moderation/engine/analysis.js'

t.test('fold lowercases, maps ё→е, drops invisibles and diacritics but keeps й', async (t) => {
  t.equal(fold('ЁЛКА Йод').text, 'елка йод')
  t.equal(fold('те\u200bле\u00adграм').text, 'телеграм')
  t.equal(fold('café').text, 'cafe')
  t.equal(fold('ｔｅｌｅｇｒａｍ').text, 'telegram', 'full-width folded by NFKC')
  t.equal(fold('ozοn').text, 'ozon', 'Greek omicron read as Latin o')
  t.equal(fold('и\u0306од').text, 'йод', 'и + combining breve is й')
})

t.test('fold keeps a map back to the original text', async (t) => {
  const f = fold('Ж\u200bБ ВГ')
  t.equal(f.text, 'жб вг')
  const span = f.origin(1, 2)
  t.equal('Ж\u200bБ ВГ'.slice(span.start, span.end), 'Б', 'the zero-width space is skipped in the map')
})

t.test('readings resolve look-alikes, digits and symbols in Cyrillic words', async (t) => {
  t.equal(readingsOf('тeлeгрaм').readings[0], 'телеграм', 'Latin e/a inside a Cyrillic word')
  t.ok(readingsOf('пи3дец').readings.includes('пиздец'), '3 → з')
  t.ok(readingsOf('xуй').readings.includes('хуй'))
  t.ok(
    readingsOf('бл@ть').readings.some((r) => r.includes('*')),
    '@ may hide any letter',
  )
  t.ok(readingsOf('cyka').readings.includes('сука'), 'all-Latin look-alike word also read as Cyrillic')
  t.same(readingsOf('word').readings, ['word'], 'plain English word has one reading')
  t.equal(readingsOf('12345').script, 'number')
  t.ok(readingsOf('сууука').readings.includes('сука'), 'repeats squeezed')
})

t.test('SKUs and sizes keep their digits', async (t) => {
  t.equal(readingsOf('xy1').readings[0], 'xyi', 'all-Latin SKU is not read as Cyrillic')
  t.notOk(readingsOf('xy1').readings.includes('хуй'))
  t.equal(readingsOf('a15').readings[0], 'a15', 'digits in a Latin SKU are not leet')
})

t.test('squeeze and digitsOf', async (t) => {
  t.equal(squeeze('дааааа'), 'да')
  t.equal(digitsOf('89l6'), '8916')
  t.equal(digitsOf('hello'), null)
  t.equal(digitsOf('o'), null, 'a lone letter o is not a number')
})

t.test('tokenize merges spaced and dotted letters', async (t) => {
  const words = (s: string) =>
    tokenize(fold(s))
      .filter((x) => !x.shadow)
      .map((x) => x.primary)
  t.same(words('т е л е г р а м'), ['телеграм'])
  t.same(words('в.о.т.с.а.п'), ['вотсап'])
  t.same(words('а я и ты'), ['а', 'я', 'и', 'ты'], 'three natural one-letter words stay apart')
  t.same(words('т.е. так'), ['т', 'е', 'так'], 'two dotted letters are an abbreviation')
  const shadow = tokenize(fold('х у й')).filter((x) => x.shadow)
  t.equal(shadow.length, 1, 'three spaced letters also get a shadow reading')
  t.equal(shadow[0]!.primary, 'хуй')
  const split = tokenize(fold('в т е л е г у'))[0]!
  t.equal(split.primary, 'втелегу')
  t.same(
    split.split?.map((x) => x.primary),
    ['в', 'телегу'],
    'a leading preposition gives a split reading',
  )
})

t.test('phrase string and spans map back to the original', async (t) => {
  const text = 'Пишите. В ТЕЛЕГУ!'
  const a = analyse(text)
  t.equal(a.phrase, 'пишите | в телегу')
  const i = a.phrase.indexOf('в телегу')
  const span = phraseSpan(a, a, i, i + 'в телегу'.length)
  t.equal(text.slice(span.start, span.end), 'В ТЕЛЕГУ')
})
