// Chat threads and their messages (newest first, older pages by cursor).
import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { MessagePage, ThreadPage } from '../types'
import { keys } from './keys'

/** The order's thread, if it has one (an order has at most one). */
export function useOrderThread(orderId: string | undefined) {
  return useQuery({
    queryKey: keys.orderThread(orderId ?? ''),
    queryFn: async () => {
      const page = await unwrap<ThreadPage>(
        api.GET('/v1/threads', { params: { query: { order_id: orderId ?? '', limit: 1 } } }),
      )
      return page.items[0] ?? null
    },
    enabled: orderId !== undefined,
  })
}

/** How often an open chat asks again, so the other party's messages appear without a reload. */
export const CHAT_REFRESH_MS = 10_000

export function useThreadMessages(threadId: string | undefined, pageSize = 20) {
  return useInfiniteQuery({
    queryKey: keys.messages(threadId ?? ''),
    queryFn: ({ pageParam }) =>
      unwrap<MessagePage>(
        api.GET('/v1/threads/{id}/messages', {
          params: { path: { id: threadId ?? '' }, query: { limit: pageSize, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: threadId !== undefined,
    refetchInterval: CHAT_REFRESH_MS,
  })
}
