// The buyers' pages: their orders (GET /v1/orders), opening a claim and
// providing information with photos (multipart, with upload progress).
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { Claim, OrderPage } from '../types'
import { postMultipart, type UploadProgress } from '../upload'
import { keys } from './keys'

export const myOrdersKey = ['my-orders'] as const

export function useMyOrders() {
  return useInfiniteQuery({
    queryKey: myOrdersKey,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap<OrderPage>(api.GET('/v1/orders', { params: { query: { limit: 20, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })
}

export interface NewClaim {
  order_id: string
  line_id: string
  reason: string
  requested_resolution: string
  description: string
  photos: File[]
}

/** POST /v1/claims as one multipart request: the fields, then the photos as parts named "photos". */
export function useOpenClaim(onProgress: (p: UploadProgress) => void) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ photos, ...fields }: NewClaim) => {
      const form = new FormData()
      for (const [name, value] of Object.entries(fields)) form.append(name, value)
      for (const photo of photos) form.append('photos', photo, photo.name)
      return postMultipart<Claim>('/v1/claims', form, onProgress)
    },
    onSuccess: (claim) => {
      client.setQueryData(keys.claim(claim.id), claim)
      void client.invalidateQueries({ queryKey: myOrdersKey })
      void client.invalidateQueries({ queryKey: keys.orderThread(claim.order_id) })
    },
  })
}

/** provide_info with photos, in one multipart request. */
export function useProvideInfo(claimId: string, onProgress: (p: UploadProgress) => void) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ text, version, photos }: { text: string; version: number; photos: File[] }) => {
      const form = new FormData()
      form.append('action', 'provide_info')
      form.append('expected_version', String(version))
      form.append('text', text)
      for (const photo of photos) form.append('photos', photo, photo.name)
      return postMultipart<Claim>(`/v1/claims/${claimId}/actions`, form, onProgress)
    },
    onSuccess: (claim) => {
      client.setQueryData(keys.claim(claimId), claim)
      void client.invalidateQueries({ queryKey: keys.claimEvents(claimId) })
      void client.invalidateQueries({ queryKey: keys.orderThread(claim.order_id) })
    },
  })
}
