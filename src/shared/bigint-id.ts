// Ids of bigserial rows (messages, deliveries, feed events) as the API takes
// them: decimal text within Postgres bigint, so a longer number is refused as
// bad input instead of failing the cast in SQL.

export const BIGINT_MAX = 2n ** 63n - 1n

/** The JSON Schema format of such ids (src/http/validation.ts): a pattern alone lets 9999999999999999999 through. */
export const BIGINT_ID_FORMAT = 'bigint-id'

const DIGITS = /^[1-9]\d{0,18}$/

/** A positive bigint in decimal, without leading zeros: 1 … 9223372036854775807. */
export function isBigintId(value: string): boolean {
  return DIGITS.test(value) && BigInt(value) <= BIGINT_MAX
}
