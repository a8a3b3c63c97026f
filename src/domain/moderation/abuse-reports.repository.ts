// Abuse reports: a party reports a message of the other party to the arbiters,
// once per reporter and message.
import { sql } from 'kysely'
import type { DbOrTx } from '../../db/database.js'
import type { CreatedKey } from './flags.repository.js'

export async function insertAbuseReport(
  db: DbOrTx,
  report: {
    thread_id: string
    message_id: string
    reporter_role: string
    reporter_id: string
    reported_role: string
    reported_id: string
    reason: string | null
    created_at: Date
  },
) {
  const inserted = await db
    .insertInto('abuse_reports')
    .values(report)
    .onConflict((oc) => oc.constraint('abuse_reports_once_per_reporter').doNothing())
    .returningAll()
    .executeTakeFirst()
  if (inserted) return { row: inserted, created: true }
  const existing = await db
    .selectFrom('abuse_reports')
    .selectAll()
    .where('message_id', '=', report.message_id)
    .where('reporter_role', '=', report.reporter_role)
    .where('reporter_id', '=', report.reporter_id)
    .executeTakeFirstOrThrow()
  return { row: existing, created: false }
}

export async function listAbuseReports(
  db: DbOrTx,
  filter: { status?: string; thread_id?: string },
  page: { limit: number; before?: CreatedKey },
) {
  let q = db
    .selectFrom('abuse_reports')
    .innerJoin('messages', 'messages.id', 'abuse_reports.message_id')
    .selectAll('abuse_reports')
    .select(['messages.text as message_text', 'messages.created_at as message_created_at'])
  if (filter.status !== undefined) q = q.where('abuse_reports.status', '=', filter.status as 'open')
  if (filter.thread_id !== undefined) q = q.where('abuse_reports.thread_id', '=', filter.thread_id)
  if (page.before)
    q = q.where(
      sql<boolean>`(abuse_reports.created_at, abuse_reports.id) < (${page.before.created_at}::timestamptz, ${page.before.id}::uuid)`,
    )
  return q
    .orderBy('abuse_reports.created_at', 'desc')
    .orderBy('abuse_reports.id', 'desc')
    .limit(page.limit + 1)
    .execute()
}

export async function closeAbuseReport(db: DbOrTx, id: string, status: 'upheld' | 'dismissed', by: string, at: Date) {
  return db
    .updateTable('abuse_reports')
    .set({ status, closed_by: by, closed_at: at })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst()
}

export async function findAbuseReport(db: DbOrTx, id: string) {
  return db.selectFrom('abuse_reports').selectAll().where('id', '=', id).executeTakeFirst()
}
