// The calling seller's statistics over a period (GET /v1/sellers/me/stats).
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { QueryOf, ResponseOf } from '../types'

export type SellerStats = ResponseOf<'/v1/sellers/me/stats', 'get'>

export function useSellerStats(query: QueryOf<'/v1/sellers/me/stats'>) {
  return useQuery({
    queryKey: ['seller-stats', query] as const,
    queryFn: () => unwrap<SellerStats>(api.GET('/v1/sellers/me/stats', { params: { query } })),
    placeholderData: keepPreviousData,
  })
}
