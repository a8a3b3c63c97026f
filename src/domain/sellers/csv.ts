// CSV fields for the sellers' export: RFC 4180 quoting, and text a spreadsheet
// would run as a formula defused (docs/input-safety.md, "CSV export").
//
// A spreadsheet starts a cell not only where our commas put one: a
// Russian-locale Excel or LibreOffice opens a comma-separated file with `;` as
// its list separator (commas are then plain text and a quote only means
// something at the very start of a cell), a tab or a line break ends a cell
// when the file is pasted or read as text, and some importers trim the
// leading blanks of a cell before deciding whether it is a formula. So every
// place in a value where a cell may begin (the start, and after `,`, `;`, tab,
// CR or LF), past any blanks and quotes, gets an apostrophe before a formula
// trigger: `x;=HYPERLINK(…)` becomes `x;'=HYPERLINK(…)`, which every one of
// those readings shows as text.

/** What makes a cell a formula: = + - @, and their fullwidth forms (some Asian-locale spreadsheets take those too). */
const TRIGGER = '=+\\-@\uFF1D\uFF0B\uFF0D\uFF20'
const CELL_START = new RegExp(`(^|[,;\\t\\r\\n])([\\s"]*)(?=[${TRIGGER}])`, 'gu')

/** The value with an apostrophe before every formula trigger that could begin a cell. */
export function defuseFormulas(value: string): string {
  return value.replace(CELL_START, "$1$2'")
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF; text is defused first. */
export function csvField(value: string | number | boolean | Date | null | undefined): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  if (typeof value !== 'string') return String(value)
  const text = defuseFormulas(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
