// Hints in the sender's language. The engine writes the Russian hint (the
// platform's language, and what the ledger keeps); the HTTP layer turns it
// into the language the request asked for (Accept-Language) as it answers.
import hints from './lexicon/hints.json' with { type: 'json' }

export const HINT_LANGUAGES = ['ru', 'en'] as const
export type HintLanguage = (typeof HINT_LANGUAGES)[number]
export const DEFAULT_HINT_LANGUAGE: HintLanguage = 'ru'

const TEXTS: Record<HintLanguage, Record<string, string>> = { ru: hints.ru, en: hints.en }
// Keys in a Map, not looked up on the JSON object: no prototype member is ever a hint.
const KEY_OF_RUSSIAN = new Map(Object.entries(hints.ru).map(([key, text]) => [text, key]))

/** The hint for a key (rule or detector variant, e.g. 'contact_exchange.card'), falling back to the rule's. */
export function hintText(key: string, rule: string, lang: HintLanguage = DEFAULT_HINT_LANGUAGE): string {
  const texts = TEXTS[lang]
  return (Object.hasOwn(texts, key) ? texts[key] : undefined) ?? texts[rule]!
}

/** The same violations with each engine hint in `lang`; a hint the engine did not write stays as it is. */
export function inLanguage<V extends { hint: string }>(violations: readonly V[], lang: HintLanguage): V[] {
  return violations.map((v) => {
    const key = KEY_OF_RUSSIAN.get(v.hint)
    return key === undefined ? v : { ...v, hint: TEXTS[lang][key]! }
  })
}
