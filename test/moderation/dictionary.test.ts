// Every headword of the Russian Hunspell dictionary (dictionary-ru) run
// through the engine: at most 0.05% may be flagged as obscenity or insult.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findViolations } from '../../src/domain/moderation/engine/engine.js'

const dic = readFileSync(join(dirname(fileURLToPath(import.meta.resolve('dictionary-ru'))), 'index.dic'), 'utf8')

// First line is the word count; each line is "word/FLAGS".
const words = dic
  .split('\n')
  .slice(1)
  .map((l) => l.split('/')[0]!.trim())
  .filter((w) => w !== '')

t.test('dictionary headwords are not obscene or insulting', { timeout: 120_000 }, async (t) => {
  t.ok(words.length > 100_000, `${words.length} headwords`)
  const flagged: string[] = []
  for (const w of words) {
    const f = findViolations(w, { senderRole: 'buyer', allowedDomains: [] })
    if (f.some((x) => x.rule === 'obscenity' || x.rule === 'insult')) flagged.push(w)
  }
  const rate = flagged.length / words.length
  t.ok(rate <= 0.0005, `${flagged.length} flagged (${(rate * 100).toFixed(4)}%): ${flagged.join(' ')}`)
  for (const w of [
    'рубля',
    'застраховать',
    'употребление',
    'потребитель',
    'мандарин',
    'сукно',
    'скипидар',
    'оскорблять',
  ]) {
    t.notOk(flagged.includes(w), `${w} is clean`)
  }
})
