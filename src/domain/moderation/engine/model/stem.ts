// Snowball stems (Russian for Cyrillic words, English for Latin ones), so
// "мошенники", "мошенникам" and "мошенниками" are one feature for the model.
import { newStemmer } from 'snowball-stemmers'
import { memoByString } from '../memo.js'

const russian = newStemmer('russian')
const english = newStemmer('english')
const CYRILLIC = /[а-яё]/
const LATIN = /[a-z]/

/** Stem of a lowercase word; words in neither script (numbers, symbols) stay as they are. */
export const stem = memoByString(50_000, (word: string): string => {
  if (CYRILLIC.test(word)) return russian.stem(word)
  if (LATIN.test(word)) return english.stem(word)
  return word
})
