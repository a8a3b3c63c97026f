// Money arrives in minor units with its currency; Intl knows each currency's exponent.
const fractionDigits = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2

export function formatMoney(minor: number, currency: string, language: string): string {
  const digits = fractionDigits(currency)
  return new Intl.NumberFormat(language, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).format(
    minor / 10 ** digits,
  )
}

/** Major units typed by a person → minor units (rounded to the currency's exponent). */
export const toMinor = (major: number, currency: string) => Math.round(major * 10 ** fractionDigits(currency))
export const toMajor = (minor: number, currency: string) => minor / 10 ** fractionDigits(currency)
export const currencyDigits = fractionDigits
