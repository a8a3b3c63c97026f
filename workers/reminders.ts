// Which deadlines get a reminder, and when. Reminder jobs are created only
// once their time is within the sweeper's horizon, so Redis holds one job per
// pending deadline rather than two (bench/deadlines.ts measures it).
import type { DeadlineKind } from '../machines/claim.types.js'

/** The arbiters' own SLA: flagged in the queue, not announced in the buyer–seller chat. */
const NO_REMINDER: ReadonlySet<string> = new Set<DeadlineKind>(['arbiter_decision'])

export interface ReminderCandidate {
  kind: string
  due_at: Date
  created_at: Date
}

/** Epoch ms of the reminder, or null when the deadline gets none. */
export function reminderAt(d: ReminderCandidate, reminderBefore: number): number | null {
  if (NO_REMINDER.has(d.kind)) return null
  const at = d.due_at.getTime() - reminderBefore
  // A deadline shorter than the reminder lead would be "reminded" as it opens.
  return at > d.created_at.getTime() ? at : null
}
