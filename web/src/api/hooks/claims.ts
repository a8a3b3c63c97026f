// A claim, its audit trail and its actions (POST /v1/claims/:id/actions).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { Claim, ClaimActionBody, ClaimEvents } from '../types'
import { keys } from './keys'

export function useClaim(id: string) {
  return useQuery({
    queryKey: keys.claim(id),
    queryFn: () => unwrap<Claim>(api.GET('/v1/claims/{id}', { params: { path: { id } } })),
  })
}

export function useClaimEvents(id: string) {
  return useQuery({
    queryKey: keys.claimEvents(id),
    queryFn: () => unwrap<ClaimEvents>(api.GET('/v1/claims/{id}/events', { params: { path: { id } } })),
  })
}

/**
 * One action on a claim, guarded by the version the person saw (a 409 stale-version
 * when the claim moved meanwhile). Success refreshes the claim, its trail and the queue.
 */
export function useClaimAction(id: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: ClaimActionBody) =>
      unwrap<Claim>(api.POST('/v1/claims/{id}/actions', { params: { path: { id } }, body })),
    onSuccess: (claim) => {
      client.setQueryData(keys.claim(id), claim)
      void client.invalidateQueries({ queryKey: keys.claimEvents(id) })
      void client.invalidateQueries({ queryKey: keys.queueAll })
      void client.invalidateQueries({ queryKey: keys.orderThread(claim.order_id) })
    },
  })
}
