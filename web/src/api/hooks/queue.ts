// The arbiters' queue (GET /v1/arbiter/queue), refetched on an interval so new escalations appear.
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { ArbiterQueueQuery, QueuePage } from '../types'
import { keys } from './keys'

export const QUEUE_REFRESH_MS = 10_000

export function useArbiterQueue(query: ArbiterQueueQuery) {
  return useQuery({
    queryKey: keys.queue(query),
    queryFn: () => unwrap<QueuePage>(api.GET('/v1/arbiter/queue', { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: QUEUE_REFRESH_MS,
  })
}
