import { useQuery } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { Order } from '../types'
import { keys } from './keys'

export function useOrder(id: string | undefined) {
  return useQuery({
    queryKey: keys.order(id ?? ''),
    queryFn: () => unwrap<Order>(api.GET('/v1/orders/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== undefined,
  })
}
