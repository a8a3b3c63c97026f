// The language of the hints in a response: the first of ours (ru, en) the
// request's Accept-Language accepts, by its q-values; Russian without one.
import Negotiator from 'negotiator'
import type { FastifyRequest } from 'fastify'
import { DEFAULT_HINT_LANGUAGE, HINT_LANGUAGES, type HintLanguage } from '../domain/moderation/engine/hints.js'

export function hintLanguage(request: Pick<FastifyRequest, 'headers'>): HintLanguage {
  const header = request.headers['accept-language']
  if (header === undefined || header === '') return DEFAULT_HINT_LANGUAGE
  const best = new Negotiator({ headers: { 'accept-language': header } }).language([...HINT_LANGUAGES])
  return (best as HintLanguage | undefined) ?? DEFAULT_HINT_LANGUAGE
}
