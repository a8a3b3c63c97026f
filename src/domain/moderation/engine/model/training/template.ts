// The fragment mini-language and a seeded random source: `[a|b|c]` picks one
// alternative (nesting allowed, `[a|]` makes a word optional), `{slot}` takes a
// value from the language's slot lists (values may hold alternatives too).

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type Rand = () => number

export function pick<T>(rand: Rand, list: readonly T[]): T {
  if (list.length === 0) throw new Error('pick from an empty list')
  return list[Math.floor(rand() * list.length)]!
}

export type Slots = Record<string, readonly string[]>

const SLOT = /\{([a-z_]+)\}/g
// Innermost alternatives: no bracket inside.
const ALTERNATIVES = /\[([^[\]]*)\]/

export function expand(template: string, slots: Slots, rand: Rand): string {
  let s = template
  for (let depth = 0; SLOT.test(s); depth++) {
    if (depth > 4) throw new Error(`slot nesting too deep: ${template}`)
    s = s.replace(SLOT, (_, name: string) => {
      const values = slots[name]
      if (!values) throw new Error(`unknown slot {${name}} in: ${template}`)
      return pick(rand, values)
    })
  }
  for (let m = ALTERNATIVES.exec(s); m !== null; m = ALTERNATIVES.exec(s)) {
    s = s.slice(0, m.index) + pick(rand, m[1]!.split('|')) + s.slice(m.index + m[0].length)
  }
  return s
    .replace(/ {2,}/g, ' ')
    .replace(/ ([,.!?])/g, '$1')
    .trim()
}

/** Stable 32-bit hash of a string (FNV-1a), for the train/validation split by template. */
export function hashString(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
