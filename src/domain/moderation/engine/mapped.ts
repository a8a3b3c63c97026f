// A derived string that remembers, per UTF-16 unit, which range of the
// original message it came from, so excerpts can quote the original text.

export interface Span {
  start: number
  end: number
}

export class MappedText {
  readonly text: string
  /** Original start / end of each unit. */
  readonly from: Int32Array
  readonly to: Int32Array

  constructor(text: string, from: Int32Array, to: Int32Array) {
    this.text = text
    this.from = from
    this.to = to
  }

  /** Original range covered by derived range [start, end). */
  origin(start: number, end: number): Span {
    if (end <= start) {
      const at = start < this.from.length ? this.from[start]! : (this.to[this.to.length - 1] ?? 0)
      return { start: at, end: at }
    }
    return { start: this.from[start]!, end: this.to[end - 1]! }
  }
}

export class MappedBuilder {
  private parts: string[] = []
  private from: Int32Array
  private to: Int32Array
  private n = 0

  /** `capacity`: expected length of the result, to spare regrowing. */
  constructor(capacity = 64) {
    this.from = new Int32Array(Math.max(capacity, 16))
    this.to = new Int32Array(Math.max(capacity, 16))
  }

  private reserve(extra: number): void {
    if (this.n + extra <= this.from.length) return
    let cap = this.from.length * 2
    while (cap < this.n + extra) cap *= 2
    const f = new Int32Array(cap)
    const t = new Int32Array(cap)
    f.set(this.from.subarray(0, this.n))
    t.set(this.to.subarray(0, this.n))
    this.from = f
    this.to = t
  }

  /** Append `s`; every unit of it maps to original [start, end). */
  push(s: string, start: number, end: number): void {
    this.reserve(s.length)
    this.parts.push(s)
    for (let i = 0; i < s.length; i++) {
      this.from[this.n] = start
      this.to[this.n++] = end
    }
  }

  /** Append `s`, unit k of which came from original unit `start + k`. */
  pushUnits(s: string, start: number): void {
    this.reserve(s.length)
    this.parts.push(s)
    for (let k = 0; k < s.length; k++) {
      this.from[this.n] = start + k
      this.to[this.n++] = start + k + 1
    }
  }

  /** Replace the last unit if it is `from` (combining marks typed after a base letter). */
  replaceLast(from: string, to: string): void {
    const last = this.parts[this.parts.length - 1]
    if (last !== undefined && last.endsWith(from) && from.length === to.length)
      this.parts[this.parts.length - 1] = last.slice(0, -from.length) + to
  }

  /** Append a slice of another mapped text, keeping its mapping. */
  pushFrom(src: MappedText, start: number, end: number): void {
    if (end <= start) return
    this.reserve(end - start)
    this.parts.push(src.text.slice(start, end))
    this.from.set(src.from.subarray(start, end), this.n)
    this.to.set(src.to.subarray(start, end), this.n)
    this.n += end - start
  }

  build(): MappedText {
    return new MappedText(this.parts.join(''), this.from.subarray(0, this.n), this.to.subarray(0, this.n))
  }
}
