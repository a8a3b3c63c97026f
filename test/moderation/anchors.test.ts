// The prefix filter in front of the intent patterns: matchPrefixes must name
// a literal every match starts with, and PrefixTrie must find exactly the
// places where those prefixes occur.
import t from 'tap'
import { matchPrefixes } from '../../src/domain/moderation/engine/anchors.js'
import { PrefixTrie } from '../../src/domain/moderation/engine/prefixTrie.js'
import { INTENT_SOURCES } from '../../src/domain/moderation/engine/patterns.js'
import { analyse } from '../../src/domain/moderation/engine/analysis.js'
import { loadCorpus } from '../../bench/moderation-quality.js'

t.test('matchPrefixes reads literal first words off a pattern', async (t) => {
  t.same(matchPrefixes('кот|пёс'), ['кот', 'пёс'])
  t.same(matchPrefixes('(?:пиш[^ |]*|звон[^ |]*) мне'), ['звон', 'пиш'], 'a class that may be anything ends the prefix')
  t.same(matchPrefixes('(?:а )?есть'), ['а есть', 'есть'], 'an optional first word keeps what follows')
  t.same(matchPrefixes('(?:^|\\| )есть'), ['| есть', 'есть'], 'assertions are zero-width')
  t.same(matchPrefixes('(?<![^ |])(?<!не )жалеешь(?![^ |])'), ['жалеешь'], 'lookarounds are ignored')
  t.same(matchPrefixes('\\d+ руб'), [...'0123456789'])
  t.same(matchPrefixes('мо[йи] дом'), ['мои дом', 'мой дом'], 'small classes are spelled out')
  t.same(matchPrefixes('(?<mp>озон|ozon)'), ['ozon', 'озон'], 'named groups are groups')
  t.same(matchPrefixes('ab|abc|abd'), ['ab'], 'no prefix is kept after a shorter one it extends')
  t.same(matchPrefixes('телеграмм', 4), ['теле'], 'prefixes are cut to maxLen')
  t.same(matchPrefixes('😀?кот'), ['кот', '😀кот'], 'an astral character is one character, also when optional')
  t.same(matchPrefixes('[😀x]y'), ['xy', '😀y'], 'and one member of a class')
})

t.test('matchPrefixes gives up when a match may start with anything', async (t) => {
  t.equal(matchPrefixes('[^ |]+ кот'), null)
  t.equal(matchPrefixes('(?:кот)?'), null, 'a pattern that may match nothing')
  t.equal(matchPrefixes('.кот'), null)
  t.equal(matchPrefixes('[а-я]+'), null, 'a class too large to spell out')
  t.equal(matchPrefixes('\\s*кот'), null)
  t.equal(matchPrefixes('(?i:кот)'), null, 'syntax it does not know')
})

t.test('every match of every intent pattern starts with one of its prefixes', async (t) => {
  const phrases = loadCorpus().flatMap((r) => analyse(r.text).variants.map((v) => v.phrase))
  let matches = 0
  for (const source of INTENT_SOURCES) {
    const prefixes = matchPrefixes(source)
    t.ok(prefixes, `prefixes for ${source.slice(0, 60)}`)
    if (!prefixes) continue
    const re = new RegExp(source, 'gu')
    for (const phrase of phrases) {
      for (const m of phrase.matchAll(re)) {
        matches++
        if (!prefixes.some((p) => phrase.startsWith(p, m.index)))
          t.fail(`${JSON.stringify(m[0])} in ${source.slice(0, 60)}`)
      }
    }
  }
  t.ok(matches > 150, `${matches} matches checked`)
})

/** Naive reference: test every boundary position against every prefix. */
function naiveStarts(sets: string[][], text: string, boundaries: string): (number[] | undefined)[] {
  return sets.map((prefixes) => {
    const at: number[] = []
    for (let p = 0; p < text.length; p++) {
      if (p > 0 && !boundaries.includes(text[p - 1]!)) continue
      if (prefixes.some((x) => text.startsWith(x, p))) at.push(p)
    }
    return at.length > 0 ? at : undefined
  })
}

t.test('PrefixTrie finds each set at the boundaries where one of its prefixes starts', async (t) => {
  const trie = new PrefixTrie([['пиш', 'звон'], ['в телег'], ['в '], ['zz']], ' |')
  const text = 'пишите в телегу | звоните впишите'
  t.same(trie.startsIn(text), [[0, 18], [7], [7], undefined])
  t.same(trie.startsIn(''), [undefined, undefined, undefined, undefined])
  t.throws(() => new PrefixTrie([['a']], ' \u00a0'), 'boundaries must be ASCII')
})

t.test('PrefixTrie agrees with a naive search on random text', async (t) => {
  let seed = 7
  const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n
  const alphabet = ['а', 'б', 'в', ' ', '|', 'a', 'b', 'ё', '\u0500', '😀']
  const word = (): string => Array.from({ length: rnd(5) }, () => alphabet[rnd(alphabet.length)]).join('')
  for (let round = 0; round < 500; round++) {
    const sets = Array.from({ length: 1 + rnd(5) }, () => Array.from({ length: 1 + rnd(3) }, word))
    const trie = new PrefixTrie(sets, ' |')
    const text = Array.from({ length: rnd(12) }, word).join('')
    const got = trie.startsIn(text)
    const want = naiveStarts(sets, text, ' |')
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      t.fail(`${JSON.stringify(sets)} over ${JSON.stringify(text)}`)
      return
    }
  }
  t.pass('500 random cases agree')
})
