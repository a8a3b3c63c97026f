// The event feed's problems (docs/api.md lists every problem type).
import { DomainError } from '../../shared/errors.js'

export const cursorExpired = (): DomainError =>
  new DomainError({
    status: 410,
    slug: 'cursor-expired',
    title: 'Cursor expired',
    detail:
      'events after this cursor were pruned (policy feed_retention); read again from the start, without `after`, and skip the event ids already seen',
  })
