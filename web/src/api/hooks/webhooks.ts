// The seller's webhooks, their delivery log and replays.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { ResponseOf } from '../types'

export type WebhookList = ResponseOf<'/v1/webhooks', 'get'>
export type CreatedWebhook = ResponseOf<'/v1/webhooks', 'post'>
export type DeliveryPage = ResponseOf<'/v1/webhooks/{id}/deliveries', 'get'>
export type WebhookEventType = CreatedWebhook['event_types'][number]

const webhooksKey = ['webhooks'] as const
const deliveriesKey = (id: string) => ['webhooks', id, 'deliveries'] as const

export function useWebhooks() {
  return useQuery({ queryKey: webhooksKey, queryFn: () => unwrap<WebhookList>(api.GET('/v1/webhooks')) })
}

export function useCreateWebhook() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: { url: string; event_types: WebhookEventType[] }) =>
      unwrap<CreatedWebhook>(api.POST('/v1/webhooks', { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: webhooksKey }),
  })
}

export function useDeleteWebhook() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/v1/webhooks/{id}', { params: { path: { id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: webhooksKey }),
  })
}

export function useDeliveries(id: string, pageSize = 20) {
  return useInfiniteQuery({
    queryKey: deliveriesKey(id),
    queryFn: ({ pageParam }) =>
      unwrap<DeliveryPage>(
        api.GET('/v1/webhooks/{id}/deliveries', {
          params: { path: { id }, query: { limit: pageSize, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })
}

export function useReplayDelivery(id: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap(
        api.POST('/v1/webhooks/{id}/deliveries/{deliveryId}/replay', { params: { path: { id, deliveryId } } }),
      ),
    onSuccess: () => void client.invalidateQueries({ queryKey: deliveriesKey(id) }),
  })
}
