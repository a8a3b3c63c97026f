// Memoisation for the engine's per-word work: chat vocabulary repeats, so a
// result is kept per distinct key and computed once. `compute` never returns
// undefined (a miss is told by it).

/** Anything but undefined. */
type Defined = string | number | boolean | bigint | symbol | object | null

/** `compute` remembered per string; past `max` keys the memo starts over, so it never grows without bound. */
export function memoByString<T extends Defined>(max: number, compute: (key: string) => T): (key: string) => T {
  const memo = new Map<string, T>()
  return (key) => {
    let v = memo.get(key)
    if (v === undefined) {
      v = compute(key)
      if (memo.size >= max) memo.clear()
      memo.set(key, v)
    }
    return v
  }
}

/** `compute` remembered per object (a shared, never-changed WordForm) for as long as the object lives. */
export function memoByObject<K extends object, T extends Defined>(compute: (key: K) => T): (key: K) => T {
  const memo = new WeakMap<K, T>()
  return (key) => {
    let v = memo.get(key)
    if (v === undefined) {
      v = compute(key)
      memo.set(key, v)
    }
    return v
  }
}
