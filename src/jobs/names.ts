// Queue and job names, and the deterministic job ids. BullMQ uses ':' as its
// key separator, so ids never contain one.

/** Key prefix of every BullMQ key; keeps us apart from other users of a Redis. */
export const DEFAULT_QUEUE_PREFIX = 'claimdesk'
/** The same on a Redis Cluster: a hash tag, so every key of a queue lands in one slot (BullMQ's scripts need that). */
export const CLUSTER_QUEUE_PREFIX = '{claimdesk}'

export const QUEUE_NAMES = ['deadlines', 'maintenance'] as const
export type QueueName = (typeof QUEUE_NAMES)[number]

/** Short job names: every byte is stored once per pending deadline. */
export const JOB_NAMES = ['fire', 'remind', 'sweep', 'housekeep'] as const
export type JobName = (typeof JOB_NAMES)[number]

export const SWEEPER_SCHEDULER_ID = 'deadline-sweeper'
export const HOUSEKEEPING_SCHEDULER_ID = 'housekeeping'

export const deadlineJobId = (deadlineId: string): string => `deadline-${deadlineId}`
export const reminderJobId = (deadlineId: string): string => `reminder-${deadlineId}`
