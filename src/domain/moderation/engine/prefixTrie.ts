// Many sets of literal prefixes looked up at once: one walk per position of
// the text tells, for every set, whether one of its prefixes starts there.
// Walked hundreds of times per message, so it is packed into typed arrays
// (a few kilobytes that stay in cache) rather than objects and Maps.

interface BuildNode {
  next: Map<number, BuildNode>
  ids: number[]
}

// Nearly every walk starts with an ASCII or Cyrillic letter: the first step
// is an array index instead of a search.
const DENSE = 0x500

export class PrefixTrie {
  private readonly size: number
  /** Child of the root per first unit below DENSE; 0 for none. */
  private readonly rootChild = new Int32Array(DENSE)
  /** Children of node n: codes and nodes at [childStart[n], childStart[n + 1]). */
  private readonly childStart: Int32Array
  private readonly childCode: Uint16Array
  private readonly childNode: Int32Array
  /** Sets ending at node n: idList[idStart[n] .. idStart[n + 1]). */
  private readonly idStart: Int32Array
  private readonly idList: Int32Array

  /** Units after which a prefix may start (besides the start of the text); ASCII only. */
  private readonly boundary = new Uint8Array(128)

  /** `sets[id]` holds the prefixes of set `id`; they are looked for at the start of the text and after a unit of `boundaries`. */
  constructor(sets: readonly (readonly string[])[], boundaries: string) {
    this.size = sets.length
    for (let i = 0; i < boundaries.length; i++) {
      const c = boundaries.charCodeAt(i)
      if (c >= 128) throw new Error('PrefixTrie: boundaries must be ASCII')
      this.boundary[c] = 1
    }
    const root: BuildNode = { next: new Map(), ids: [] }
    sets.forEach((prefixes, id) => {
      for (const p of prefixes) add(root, p, id)
    })
    // Number the nodes breadth-first; node 0 is the root.
    const order: BuildNode[] = [root]
    for (let k = 0; k < order.length; k++) order.push(...order[k]!.next.values())
    const index = new Map(order.map((n, k) => [n, k]))
    this.childStart = new Int32Array(order.length + 1)
    this.idStart = new Int32Array(order.length + 1)
    const codes: number[] = []
    const kids: number[] = []
    const ids: number[] = []
    order.forEach((n, k) => {
      this.childStart[k] = codes.length
      this.idStart[k] = ids.length
      for (const [code, child] of n.next) {
        codes.push(code)
        kids.push(index.get(child)!)
      }
      ids.push(...n.ids)
    })
    this.childStart[order.length] = codes.length
    this.idStart[order.length] = ids.length
    this.childCode = Uint16Array.from(codes)
    this.childNode = Int32Array.from(kids)
    this.idList = Int32Array.from(ids)
    for (const [code, child] of root.next) if (code < DENSE) this.rootChild[code] = index.get(child)!
  }

  private isBoundary(code: number): boolean {
    return code < 128 && this.boundary[code] === 1
  }

  /** Child of node `n` along unit `code`; 0 for none (the root is never a child). */
  private child(n: number, code: number): number {
    if (n === 0 && code < DENSE) return this.rootChild[code]!
    for (let k = this.childStart[n]!, end = this.childStart[n + 1]!; k < end; k++) {
      if (this.childCode[k] === code) return this.childNode[k]!
    }
    return 0
  }

  /**
   * Per set id, the ascending positions where one of its prefixes occurs in
   * `text` (at its start or after a boundary unit); undefined for a set found nowhere.
   */
  startsIn(text: string): (number[] | undefined)[] {
    const out: (number[] | undefined)[] = new Array<number[] | undefined>(this.size)
    for (let p = 0; p < text.length; p++) {
      if (p > 0 && !this.isBoundary(text.charCodeAt(p - 1))) continue
      let n = 0
      this.report(n, p, out) // sets with an empty prefix
      for (let i = p; i < text.length; i++) {
        n = this.child(n, text.charCodeAt(i))
        if (n === 0) break
        this.report(n, p, out)
      }
    }
    return out
  }

  /** Record position p for every set with a prefix ending at node n. */
  private report(n: number, p: number, out: (number[] | undefined)[]): void {
    for (let k = this.idStart[n]!, end = this.idStart[n + 1]!; k < end; k++) {
      const list = (out[this.idList[k]!] ??= [])
      if (list[list.length - 1] !== p) list.push(p)
    }
  }
}

function add(root: BuildNode, prefix: string, id: number): void {
  let at = root
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i)
    let child = at.next.get(c)
    if (child === undefined) at.next.set(c, (child = { next: new Map(), ids: [] }))
    at = child
  }
  if (!at.ids.includes(id)) at.ids.push(id)
}
