// A party's own violations ledger, page after page (GET /v1/violations; the API narrows it to the caller).
import { useInfiniteQuery } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { ViolationPage } from '../types'

export function useOwnLedger(pageSize = 50) {
  return useInfiniteQuery({
    queryKey: ['violations', 'own-ledger'] as const,
    queryFn: ({ pageParam }) =>
      unwrap<ViolationPage>(
        api.GET('/v1/violations', { params: { query: { limit: pageSize, ...(pageParam ? { cursor: pageParam } : {}) } } }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })
}
