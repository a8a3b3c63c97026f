// The arbiters' queue (docs/lifecycle.md): escalated claims for arbiters to
// take, with filters and an opaque cursor.
import type { Principal } from '../../auth/principal.js'
import { requireRole } from '../../auth/require-role.js'
import type { ReadDb } from '../../db/read-routing.js'
import { cursorNotIssued, type CursorCodec } from '../../shared/cursor.js'
import type { ClaimViews } from './claim-views.js'
import { arbiterQueuePage, type QueueFilter, type QueuePosition } from './claims.repository.js'

export class ArbiterQueueService {
  constructor(private readonly deps: { readDb: ReadDb; views: ClaimViews; cursors: CursorCodec }) {}

  /**
   * Escalated claims, overdue first, then priority, then due time (the order
   * is arbiterQueuePage's).
   */
  async page(
    principal: Principal,
    query: { assignee?: 'me' | 'unassigned'; overdue?: boolean; limit: number; cursor?: string },
  ) {
    requireRole(principal, ['arbiter'], 'only arbiters read the arbiter queue')
    const filter: QueueFilter = {
      ...(query.assignee === 'me'
        ? { assignee: { arbiter: principal.id } }
        : query.assignee === 'unassigned'
          ? { assignee: 'unassigned' as const }
          : {}),
      ...(query.overdue === undefined ? {} : { overdue: query.overdue }),
    }
    const after = query.cursor ? decodeQueueCursor(this.deps.cursors, query.cursor) : undefined
    // On the replica when there is one: an arbiter's take is checked on the primary anyway.
    const rows = await this.deps.readDb.run((db) => arbiterQueuePage(db, filter, after, query.limit + 1))
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    const more = rows.length > query.limit && last
    return {
      items: await this.deps.views.many(page, principal),
      next_cursor: more
        ? encodeQueueCursor(this.deps.cursors, {
            overdue: last.overdue,
            priority: last.priority,
            escalatedAt: (last.escalated_at ?? last.updated_at).toISOString(),
            id: last.id,
          })
        : null,
    }
  }
}

function encodeQueueCursor(cursors: CursorCodec, p: QueuePosition): string {
  return cursors.seal('arbiter-queue', { o: p.overdue, p: p.priority, e: p.escalatedAt, i: p.id })
}

/** Priorities are small policy numbers; the bound keeps a value within Postgres integer. */
const PRIORITY_BOUND = 2 ** 31 - 1

function decodeQueueCursor(cursors: CursorCodec, cursor: string): QueuePosition {
  const v = cursors.open('arbiter-queue', cursor)
  if (
    typeof v.o === 'boolean' &&
    Number.isSafeInteger(v.p) &&
    Math.abs(v.p as number) <= PRIORITY_BOUND &&
    typeof v.e === 'string' &&
    !Number.isNaN(Date.parse(v.e)) &&
    typeof v.i === 'string' &&
    /^[0-9a-f-]{36}$/i.test(v.i)
  ) {
    return { overdue: v.o, priority: v.p as number, escalatedAt: v.e, id: v.i }
  }
  throw cursorNotIssued()
}
