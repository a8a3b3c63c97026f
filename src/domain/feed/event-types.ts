// What the event feed carries, and what a webhook may subscribe to ('*' for all).
export const FEED_EVENT_TYPES = [
  'claim.event',
  'chat.message',
  'deadline.reminder',
  'violation.recorded',
  'violation.cancelled',
] as const
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number]

export const WEBHOOK_EVENT_TYPES = ['*', ...FEED_EVENT_TYPES] as const
