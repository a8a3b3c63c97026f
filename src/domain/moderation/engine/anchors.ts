// Literal prefixes a regular expression's matches must begin with, read off
// its source. Intent patterns use them to try a regex only at the few word
// starts where one of its first words occurs, instead of scanning the whole
// phrase string. Over-approximation is safe (more places are tried); what
// must hold is that every match begins with one of the prefixes.
//
// Understood syntax: literals, escapes, character classes, groups of every
// kind, alternation, quantifiers and assertions. Assertions are zero-width
// and ignored, which can only widen the set.

/** A prefix of some matches; `exact` when it is the whole match. */
interface Prefix {
  s: string
  exact: boolean
}

type Node =
  | { kind: 'chars'; chars: string[] | null } // null: any character
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; item: Node; min: number; max: number }
  | { kind: 'empty' }

// Classes with more members than this are treated as "any character".
const MAX_CLASS = 16
const DIGITS = [...'0123456789']

class Parser {
  private i = 0

  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation()
    if (this.i < this.src.length) throw new Error(`anchors: unexpected ')' at ${this.i} in ${this.src}`)
    return node
  }

  private alternation(): Node {
    const options = [this.sequence()]
    while (this.src[this.i] === '|') {
      this.i++
      options.push(this.sequence())
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options }
  }

  private sequence(): Node {
    const items: Node[] = []
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      items.push(this.quantified(this.atom()))
    }
    return { kind: 'seq', items }
  }

  private atom(): Node {
    const c = this.src[this.i]!
    if (c === '(') {
      this.i++
      return this.group()
    }
    if (c === '[') {
      this.i++
      return this.charClass()
    }
    if (c === '\\') {
      this.i++
      return { kind: 'chars', chars: this.escape() }
    }
    if (c === '^' || c === '$') {
      this.i++
      return { kind: 'empty' }
    }
    if (c === '.') {
      this.i++
      return { kind: 'chars', chars: null }
    }
    return { kind: 'chars', chars: [this.codePoint()] }
  }

  /** The next character as written: one unit, or two for a surrogate pair. */
  private codePoint(): string {
    const ch = String.fromCodePoint(this.src.codePointAt(this.i)!)
    this.i += ch.length
    return ch
  }

  private group(): Node {
    const head = this.src.slice(this.i, this.i + 3)
    let zeroWidth = false
    if (head.startsWith('?:')) this.i += 2
    else if (head.startsWith('?=') || head.startsWith('?!')) {
      zeroWidth = true
      this.i += 2
    } else if (head === '?<=' || head === '?<!') {
      zeroWidth = true
      this.i += 3
    } else if (head.startsWith('?<'))
      this.i = this.src.indexOf('>', this.i) + 1 // named group
    else if (head.startsWith('?')) throw new Error(`anchors: unknown group at ${this.i} in ${this.src}`)
    const inner = this.alternation()
    if (this.src[this.i++] !== ')') throw new Error(`anchors: unclosed group in ${this.src}`)
    return zeroWidth ? { kind: 'empty' } : inner
  }

  /** Characters one escape stands for; null for a broad class (\s, \w, \p{…}). */
  private escape(): string[] | null {
    const c = this.src[this.i++]!
    if (c === 'd') return DIGITS
    if (c === 'p' || c === 'P') {
      this.i = this.src.indexOf('}', this.i) + 1
      return null
    }
    if (c === 'n') return ['\n']
    if (c === 't') return ['\t']
    // Any other letter or digit escape (\s, \w, \u…, back-references) may stand for anything.
    if (/[\p{L}\p{N}]/u.test(c)) return null
    return [c]
  }

  private charClass(): Node {
    const negated = this.src[this.i] === '^'
    if (negated) this.i++
    const chars = new Set<string>()
    let broad = negated
    while (this.src[this.i] !== ']') {
      if (this.i >= this.src.length) throw new Error(`anchors: unclosed class in ${this.src}`)
      const from = this.classMember()
      if (from === null) {
        broad = true
        continue
      }
      if (from.length === 1 && this.src[this.i] === '-' && this.src[this.i + 1] !== ']') {
        this.i++
        const to = this.classMember()
        const lo = from[0]!.codePointAt(0)!
        const hi = to?.length === 1 ? to[0]!.codePointAt(0)! : Infinity
        if (hi - lo >= MAX_CLASS) broad = true
        else for (let cp = lo; cp <= hi; cp++) chars.add(String.fromCodePoint(cp))
        continue
      }
      for (const ch of from) chars.add(ch)
    }
    this.i++
    return { kind: 'chars', chars: broad || chars.size > MAX_CLASS ? null : [...chars] }
  }

  /** One member of a class: an escape or a character. */
  private classMember(): string[] | null {
    if (this.src[this.i] !== '\\') return [this.codePoint()]
    this.i++
    return this.escape()
  }

  private quantified(item: Node): Node {
    const c = this.src[this.i]
    let min: number
    let max: number
    if (c === '?') [min, max] = [0, 1]
    else if (c === '*') [min, max] = [0, Infinity]
    else if (c === '+') [min, max] = [1, Infinity]
    else if (c === '{' && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i))) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i))!
      min = Number(m[1])
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
      this.i += m[0].length - 1
    } else return item
    this.i++
    if (this.src[this.i] === '?') this.i++ // lazy: same language
    return this.quantified({ kind: 'repeat', item, min, max })
  }
}

/** Prefix sets are kept short and small; shortening a prefix keeps it valid. */
class PrefixSet {
  constructor(
    private readonly maxLen: number,
    private readonly maxCount: number,
  ) {}

  of(node: Node): Prefix[] {
    switch (node.kind) {
      case 'empty':
        return [{ s: '', exact: true }]
      case 'chars':
        return node.chars === null ? [{ s: '', exact: false }] : node.chars.map((s) => ({ s, exact: true }))
      case 'alt':
        return this.limit(node.options.flatMap((o) => this.of(o)))
      case 'seq':
        return node.items.reduce<Prefix[]>((acc, item) => this.concat(acc, item), [{ s: '', exact: true }])
      case 'repeat':
        return this.repeat(node.item, node.min, node.max)
    }
  }

  private concat(head: Prefix[], item: Node): Prefix[] {
    if (head.every((p) => !p.exact)) return head
    const tail = this.of(item)
    const out: Prefix[] = []
    for (const p of head) {
      if (!p.exact) out.push(p)
      else for (const q of tail) out.push(this.clip({ s: p.s + q.s, exact: q.exact }))
    }
    return this.limit(out)
  }

  private repeat(item: Node, min: number, max: number): Prefix[] {
    const once = this.of(item)
    if (max === 0) return [{ s: '', exact: true }]
    // Beyond one repetition the rest is unknown: each prefix of one copy stays a prefix.
    const first = max === 1 ? once : once.map((p) => ({ s: p.s, exact: false }))
    return this.limit(min === 0 ? [{ s: '', exact: true }, ...first] : first)
  }

  private clip(p: Prefix): Prefix {
    return p.s.length >= this.maxLen ? { s: p.s.slice(0, this.maxLen), exact: false } : p
  }

  /** Dedupe; shorten all prefixes while there are too many of them. */
  private limit(list: Prefix[]): Prefix[] {
    let out = dedupe(list)
    for (let len = this.maxLen - 1; out.length > this.maxCount && len >= 0; len--) {
      out = dedupe(out.map((p) => (p.s.length > len ? { s: p.s.slice(0, len), exact: false } : p)))
    }
    return out
  }
}

function dedupe(list: Prefix[]): Prefix[] {
  const seen = new Map<string, Prefix>()
  for (const p of list) {
    const key = `${p.exact ? 1 : 0}${p.s}`
    if (!seen.has(key)) seen.set(key, p)
  }
  return [...seen.values()]
}

/**
 * Literal strings, one of which every match of `source` starts with; none of
 * them is a prefix of another. Null when a match may start with anything.
 */
export function matchPrefixes(source: string, maxLen = 8, maxCount = 2000): string[] | null {
  let tree: Node
  try {
    tree = new Parser(source).parse()
  } catch {
    // Syntax this reader does not know: no prefixes, the pattern scans the whole text.
    return null
  }
  const prefixes = new PrefixSet(maxLen, maxCount).of(tree)
  const strings = [...new Set(prefixes.map((p) => p.s))].sort()
  if (strings.includes('')) return null
  // Sorted, every string that extends a kept one follows it directly, so
  // comparing with the last kept string drops all the redundant ones.
  const minimal: string[] = []
  for (const s of strings) {
    const last = minimal[minimal.length - 1]
    if (last === undefined || !s.startsWith(last)) minimal.push(s)
  }
  return minimal
}
