import { useQuery } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { Order, OrderPage } from '../types'
import { keys } from './keys'

export function useOrder(id: string | undefined) {
  return useQuery({
    queryKey: keys.order(id ?? ''),
    queryFn: () => unwrap<Order>(api.GET('/v1/orders/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== undefined,
  })
}

export type PhotoLimits = OrderPage['claim_limits']

/**
 * The service's photo policy (count, size, types), read off GET /v1/orders so forms check
 * photos against the limits the service enforces. Buyers and sellers only; it changes with a restart.
 */
export function usePhotoLimits(enabled = true) {
  return useQuery({
    queryKey: keys.photoLimits,
    queryFn: () => unwrap<OrderPage>(api.GET('/v1/orders', { params: { query: { limit: 1 } } })),
    select: (page) => page.claim_limits,
    staleTime: Infinity,
    enabled,
  })
}
