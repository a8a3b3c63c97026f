// Phone numbers, card numbers and passport numbers hidden in digit runs.
// Giving a card or passport number counts as `contact_exchange` (it is
// personal data handed over outside the platform's payment flow); asking for
// one is caught by the `personal_data_request` patterns.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import cards from '../lexicon/cards.json' with { type: 'json' }
import contacts from '../lexicon/contacts.json' with { type: 'json' }
import type { Analysis } from '../analysis.js'
import type { Finding } from '../findings.js'
import { digitRuns, type DigitRun } from '../numbers.js'

const NOT_CONTACT = new Set(contacts.notContact)
const PHONE_CUE = new Set(contacts.phoneCue)
const PASSPORT_CUE = new Set(contacts.passportCue)

export function luhn(digits: string): boolean {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

export function cardScheme(digits: string): string | null {
  for (const r of cards.ranges) {
    const head = Number(digits.slice(0, r.from.length))
    if (head >= Number(r.from) && head <= Number(r.to) && r.lengths.includes(digits.length)) return r.scheme
  }
  return null
}

export function isCardNumber(digits: string): boolean {
  return (
    digits.length >= 12 &&
    digits.length <= 19 &&
    luhn(digits) &&
    cardScheme(digits) !== null &&
    !/^(\d)\1+$/.test(digits)
  )
}

/** Up to n words just before the run, within its sentence. */
function before(a: Analysis, run: DigitRun, n: number): string[] {
  const out: string[] = []
  for (let k = run.first - 1; k >= 0 && out.length < n; k--) {
    if (/[!?\n;]/.test(a.words[k + 1]!.gapBefore)) break
    out.unshift(a.words[k]!.primary)
  }
  if (/[№#]/.test(a.words[run.first]!.gapBefore)) out.push('№')
  return out
}

/** Phone number as written, or null. Returns [e164, certain]. */
function asPhone(run: DigitRun, ctx: string[]): [string, boolean] | null {
  // Lists of sizes or prices ("42 44 46 48 50") are not phones.
  if (!run.spoken && run.groups.length >= 4 && run.groups.every((g) => g <= 2) && run.groups.some((g) => g === 2))
    return null
  const cue = ctx.some((w) => PHONE_CUE.has(w))
  const e164 = phoneOf(run.digits, run.plus, cue) ?? (run.alt !== run.digits ? phoneOf(run.alt, run.plus, cue) : null)
  if (e164 === null) return null
  // A bare 10-digit number without "+", 8, grouping or a cue may be an order number.
  const certain = run.plus || cue || run.spoken || run.groups.length > 1 || run.digits.length === 11
  return [e164, certain]
}

function phoneOf(d: string, plus: boolean, cue: boolean): string | null {
  const tries: string[] = []
  if (plus && d.length >= 8 && d.length <= 15) tries.push('+' + d)
  if (d.length === 11 && (d[0] === '8' || d[0] === '7')) tries.push('+7' + d.slice(1))
  if (d.length === 10 && d[0] === '9') tries.push('+7' + d)
  if (!plus && cue && d.length >= 10 && d.length <= 13) tries.push('+' + d)
  for (const t of tries) {
    const p = parsePhoneNumberFromString(t)
    if (p?.isValid()) return p.number
  }
  return null
}

export function detectDigits(a: Analysis): Finding[] {
  const out: Finding[] = []
  for (const run of digitRuns(a)) {
    if (run.digits.length < 10 && run.alt.length < 10) continue
    const ctx = before(a, run, 3)
    if (ctx.some((w) => NOT_CONTACT.has(w))) continue
    if (isCardNumber(run.digits)) {
      out.push({
        rule: 'contact_exchange',
        start: run.span.start,
        end: run.span.end,
        certain: true,
        hint: 'contact_exchange.card',
        kind: 'card',
      })
      continue
    }
    const phone = asPhone(run, ctx)
    if (phone) {
      out.push({ rule: 'contact_exchange', start: run.span.start, end: run.span.end, certain: phone[1], kind: 'phone' })
      continue
    }
    if (run.digits.length === 10 && before(a, run, 6).some((w) => PASSPORT_CUE.has(w))) {
      out.push({
        rule: 'contact_exchange',
        start: run.span.start,
        end: run.span.end,
        certain: true,
        hint: 'contact_exchange.passport',
        kind: 'passport',
      })
    }
  }
  return out
}
