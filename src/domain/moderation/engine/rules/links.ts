// Links, e-mail addresses and @handles. Links are found by linkify-it in a
// view of the text where spoken or bracketed separators ("точка ру", "(dot)",
// "собака", "[at]") and spaces around dots have been restored.
import { LinkifyIt } from 'linkify-it'
import { domainToASCII, domainToUnicode } from 'node:url'
import links from '../lexicon/links.json' with { type: 'json' }
import type { Analysis } from '../analysis.js'
import type { Finding } from '../findings.js'
import { MappedBuilder, type MappedText } from '../mapped.js'
import { imitatesAllowed, isAllowedHost } from '../domains.js'

const linkify = new LinkifyIt().tlds(links.tlds, true).set({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: true })
const MESSENGER_HOSTS = links.messengerHosts
const SPOKEN_TLD: Record<string, string> = links.spokenTld
// TLDs that may follow a dot typed with spaces ("ozon . ru"); not words like "me" or "to".
const TLD_ALT = 'ru|com|net|org|рф|su|by|kz|ua|uz|io|shop|store|online|site|info|biz|pro|xyz|top'

// Each alternative restores one separator; the replacement is chosen by group.
// `lead` is how every match of the alternative begins. Their union, put in
// front as a lookahead, lets the regex pass over most positions with one
// check instead of trying all eight alternatives there.
const SEPARATORS: { re: string; lead: string }[] = [
  { re: `(\\s*[([{<]\\s*(?:точка|тчк|dot)\\s*[)\\]}>]\\s*)`, lead: `\\s*[([{<]` }, // 1: (dot)
  { re: `(?<=[\\p{L}\\d])(\\s+(?:точка|тчк|dot)\\s+)(?=[\\p{L}\\d])`, lead: `\\s+(?:точка|тчк|dot)` }, // 2: " точка "
  { re: `(\\s*[([{<]\\s*(?:собака|собачка|at|эт)\\s*[)\\]}>]\\s*)`, lead: `\\s*[([{<]` }, // 3: [at]
  { re: `(?<=[a-z0-9_.\\-])(\\s+(?:собака|собачка)\\s+)(?=[\\p{L}\\d])`, lead: `\\s+собак` }, // 4: " собака "
  {
    re: `(?<=[a-z0-9_.\\-])(\\s+at\\s+)(?=[a-z0-9\\-]+\\s*(?:\\.|\\(dot\\)|\\[dot\\]|\\s+dot\\s+)\\s*[a-z]{2,})`,
    lead: `\\s+at\\s`,
  }, // 5: " at " before a domain
  { re: `(?<=[\\p{L}\\d])(\\s+\\.\\s*|\\.\\s+)(?=(?:${TLD_ALT})(?![\\p{L}\\d]))`, lead: `\\s+\\.|\\.\\s` }, // 6: "ozon . ru"
  { re: `(?<=(?:^|[^\\p{L}\\d])(?:t|wa|vk|m)\\s?\\.\\s?(?:me|com|ru))(\\s+/\\s*|/\\s+)`, lead: `\\s+/|/\\s` }, // 7: "t.me / ivan"
  {
    re: `(?<=\\.)(${Object.keys(SPOKEN_TLD).join('|')})(?![\\p{L}\\d])`,
    lead: `(?<=\\.)[${[...new Set(Object.keys(SPOKEN_TLD).map((k) => k[0]))].join('')}]`,
  }, // 8: ".ру"
]
// Cheaper still, checked first: the unit every lead starts at (a blank, a
// bracket, a dot or a slash) or, for ".ру", a dot just before.
const LEAD_UNIT = `[\\s([{<./]|(?<=\\.)`
const REWRITE = new RegExp(
  `(?=${LEAD_UNIT})(?=${SEPARATORS.map((x) => x.lead).join('|')})(?:${SEPARATORS.map((x) => x.re).join('|')})`,
  'gu',
)

// Cheap test: skip the rewrite for texts with nothing to restore.
const MAY_REWRITE = new RegExp(
  `точка|тчк|dot|собак|[([{<]\\s*(?:at|эт)|\\sat\\s|\\s\\.\\s*[\\p{L}\\d]|\\.\\s+(?:${TLD_ALT})(?![\\p{L}\\d])|\\/\\s|\\s\\/|\\.(?:ру|ком|нет|орг|су|ио|инфо)(?![\\p{L}\\d])`,
  'u',
)
// Cheap test: could the text hold a link, an e-mail or a handle at all?
const MAY_LINK = /[\p{L}\d]\.[\p{L}]|@|:\/\//u

function rewriteOnce(src: MappedText): MappedText {
  const b = new MappedBuilder(src.text.length)
  let last = 0
  REWRITE.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = REWRITE.exec(src.text)) !== null) {
    const g = m.slice(1).findIndex((x) => x !== undefined)
    const rep = g === 0 || g === 1 || g === 5 ? '.' : g === 6 ? '/' : g === 7 ? SPOKEN_TLD[m[8]!]! : '@'
    b.pushFrom(src, last, m.index)
    const o = src.origin(m.index, m.index + m[0].length)
    b.push(rep, o.start, o.end)
    last = m.index + m[0].length
  }
  if (last === 0) return src
  b.pushFrom(src, last, src.text.length)
  return b.build()
}

function linkView(folded: MappedText): MappedText {
  if (!MAY_REWRITE.test(folded.text)) return folded
  // Two passes: "ivan собака mail точка ру" needs "." back before ".ру" reads as ".ru".
  const once = rewriteOnce(folded)
  return once === folded ? once : rewriteOnce(once)
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname
  } catch {
    const m = /^(?:[a-z]+:\/\/)?([^/?#:@\s]+)/iu.exec(url)
    return m ? m[1]! : null
  }
}

// "x.yz", where a link may start, seen from its dot.
const LINK_DOT = /(?<=[\p{L}\d\-])\.\p{L}{2}/uy

/** Is there a link or an address start at i: "x.yz" (at its dot), "@" or "://"? */
function candidateAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i)
  if (c === 0x40) return true // @
  if (c === 0x3a) return text.startsWith('://', i)
  if (c !== 0x2e) return false // .
  LINK_DOT.lastIndex = i
  return LINK_DOT.test(text)
}

/**
 * The whitespace-delimited chunks that hold a candidate. Links and addresses
 * hold no whitespace (spoken separators are already restored), so the chunk
 * around a candidate suffices, and once a chunk is taken the rest of it is
 * skipped. A plain scan for ".", "@" and ":" is far cheaper than a regex that
 * must test a letter class at every position.
 */
function candidateWindows(text: string): [number, number][] {
  const windows: [number, number][] = []
  for (let i = 0; i < text.length; i++) {
    if (!candidateAt(text, i)) continue
    let s = i
    let e = i + 1
    while (s > 0 && !/\s/.test(text[s - 1]!)) s--
    while (e < text.length && !/\s/.test(text[e]!)) e++
    windows.push([s, e])
    i = e
  }
  return windows
}

/** linkify-it over the chunks around candidates only: its fuzzy regex is the costly part of long texts. */
function linkMatches(text: string): { schema: string; index: number; lastIndex: number; raw: string; url: string }[] {
  const out: { schema: string; index: number; lastIndex: number; raw: string; url: string }[] = []
  for (const [s, e] of candidateWindows(text)) {
    for (const m of linkify.match(text.slice(s, e)) ?? []) {
      out.push({ schema: m.schema, index: m.index + s, lastIndex: m.lastIndex + s, raw: m.raw, url: m.url })
    }
  }
  return out
}

const HANDLE = /(?<![\p{L}\d_.@-])@([\p{L}\d_][\p{L}\d_.]{2,31})/gu

export function detectLinks(a: Analysis, allowed: readonly string[]): Finding[] {
  const out: Finding[] = []
  const view = linkView(a.folded)
  if (!MAY_LINK.test(view.text)) return out
  const allowedAscii = allowed.map((d) => domainToASCII(d) || d)
  const emailSpans: [number, number][] = []
  for (const m of linkMatches(view.text)) {
    {
      const span = view.origin(m.index, m.lastIndex)
      if (m.schema === 'mailto:' || (!m.schema && m.raw.includes('@') && !m.raw.includes('/'))) {
        emailSpans.push([m.index, m.lastIndex])
        // An address is a contact whatever its domain: a mailbox at the seller's own domain
        // (or the platform's) is still a way to talk off the platform. Allowed domains thus
        // never touch addresses, and allowing more can only lift link findings (chat.service relies on it).
        const local = m.raw
          .slice(0, m.raw.lastIndexOf('@'))
          .replace(/^mailto:/i, '')
          .toLowerCase()
        // "ozon.ru@evil.com/…": the allowed name is only the user part of a URL.
        if (local.includes('.') && (isAllowedHost(local, allowedAscii) || imitatesAllowed(local, allowed))) {
          out.push({
            rule: 'external_link',
            start: span.start,
            end: span.end,
            certain: true,
            hint: 'external_link.phishing',
            kind: 'phishing',
          })
          continue
        }
        out.push({ rule: 'contact_exchange', start: span.start, end: span.end, certain: true, kind: 'email' })
        continue
      }
      const host = hostOf(m.url)
      if (!host) continue
      const ascii = domainToASCII(host) || host
      if (isAllowedHost(ascii, allowedAscii)) continue
      const unicode = domainToUnicode(ascii) || host
      const phishing = imitatesAllowed(unicode, allowed)
      out.push({
        rule: 'external_link',
        start: span.start,
        end: span.end,
        certain: true,
        hint: phishing ? 'external_link.phishing' : undefined,
        kind: phishing ? 'phishing' : 'link',
      })
      if (isAllowedHost(ascii, MESSENGER_HOSTS)) {
        out.push({ rule: 'contact_exchange', start: span.start, end: span.end, certain: true, kind: 'messenger_link' })
      }
    }
  }
  HANDLE.lastIndex = 0
  let h: RegExpExecArray | null
  while ((h = HANDLE.exec(view.text)) !== null) {
    const at = h.index
    if (emailSpans.some(([s, e]) => at >= s && at < e)) continue
    const name = h[1]!.replace(/\.+$/, '')
    if (name.length < 3 || /^\d+$/.test(name)) continue
    const span = view.origin(at, at + 1 + name.length)
    out.push({ rule: 'contact_exchange', start: span.start, end: span.end, certain: true, kind: 'handle' })
  }
  return out
}
