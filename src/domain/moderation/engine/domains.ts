// Domain checks for links: allowed means equal to, or a subdomain of, an
// allowed domain. A refused host that imitates an allowed one (homoglyphs,
// digits for letters, the brand inside another domain, one typo) is phishing.
import unhomoglyph from 'unhomoglyph'
import { domainToUnicode } from 'node:url'
import { memoByString } from './memo.js'

export function isAllowedHost(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '')
  return allowed.some((d) => h === d || h.endsWith('.' + d))
}

const DIGIT_AS_LETTER: Record<string, string> = { '0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b' }

/**
 * Script-independent shape of a host: "ozоn.ru" (Cyrillic о), "0zon.ru" → "ozon.ru".
 * Memoised: every link is compared with every allowed domain, whose skeletons
 * would otherwise be rebuilt for each link of each message.
 */
export const skeleton = memoByString(10_000, buildSkeleton)

function buildSkeleton(host: string): string {
  const u = host.startsWith('xn--') || host.includes('.xn--') ? domainToUnicode(host) || host : host
  let s = unhomoglyph(u.toLowerCase()).toLowerCase()
  s = s.replace(/[0-9]/g, (d) => DIGIT_AS_LETTER[d] ?? d)
  // Letter pairs that read as one letter.
  return s.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/[il|]/g, 'l')
}

function distanceAtMostOne(a: string, b: string): boolean {
  if (a === b) return true
  if (Math.abs(a.length - b.length) > 1) return false
  let i = 0
  let j = 0
  let edits = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++
      j++
      continue
    }
    if (++edits > 1) return false
    if (a.length > b.length) i++
    else if (b.length > a.length) j++
    else {
      i++
      j++
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1
}

/** The label that names the brand: "ozon" for ozon.ru, "yandex" for market.yandex.ru. */
function brandOf(domain: string): string {
  const labels = domain.split('.')
  return labels.length >= 2 ? labels[labels.length - 2]! : labels[0]!
}

/** Does a refused host imitate one of the allowed domains? */
export function imitatesAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase()
  const sk = skeleton(h)
  const labels = sk.split('.')
  const main = labels.length >= 2 ? labels[labels.length - 2]! : labels[0]!
  for (const d of allowed) {
    const ds = skeleton(d)
    if (sk === ds || sk.endsWith('.' + ds)) return true
    // ozon.ru.evil.com, ozon-ru.shop, my-ozon.com, wildberries-returns.ru
    const brand = skeleton(brandOf(d))
    if (brand.length >= 4) {
      if (sk.startsWith(ds + '.') || sk.includes(ds.replace(/\./g, '-'))) return true
      if (
        labels.some(
          (l) => l.split('-').includes(brand) || (l !== brand && l.includes(brand) && l.length <= brand.length + 8),
        )
      )
        return true
      if (brand.length >= 5 && distanceAtMostOne(main, brand)) return true
    }
  }
  return false
}
