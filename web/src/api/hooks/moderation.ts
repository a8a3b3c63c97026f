// The moderation desk's lists and decisions, and the draft check.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { AbuseReportPage, BlockedPage, FlagPage, ModerationVerdict, QueryOf as Query, SanctionPage } from '../types'
import { keys } from './keys'

export function useBlockedAttempts(query: Query<'/v1/moderation/blocked'>) {
  return useQuery({
    queryKey: keys.blocked(query),
    queryFn: () => unwrap<BlockedPage>(api.GET('/v1/moderation/blocked', { params: { query } })),
  })
}

export function useFlags(query: Query<'/v1/moderation/flags'>) {
  return useQuery({
    queryKey: keys.flags(query),
    queryFn: () => unwrap<FlagPage>(api.GET('/v1/moderation/flags', { params: { query } })),
  })
}

export function useAbuseReports(query: Query<'/v1/abuse-reports'>, enabled = true) {
  return useQuery({
    queryKey: keys.abuseReports(query),
    queryFn: () => unwrap<AbuseReportPage>(api.GET('/v1/abuse-reports', { params: { query } })),
    enabled,
  })
}

export function useSanctions(query: Query<'/v1/sanctions'>) {
  return useQuery({
    queryKey: keys.sanctions(query),
    queryFn: () => unwrap<SanctionPage>(api.GET('/v1/sanctions', { params: { query } })),
  })
}

export function useReviewFlag() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: 'confirm' | 'dismiss' }) =>
      decision === 'confirm'
        ? unwrap(api.POST('/v1/moderation/flags/{id}/confirm', { params: { path: { id } } }))
        : unwrap(api.POST('/v1/moderation/flags/{id}/dismiss', { params: { path: { id } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.moderationAll })
      void client.invalidateQueries({ queryKey: keys.violationsAll })
    },
  })
}

export function useCloseAbuseReport() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ id, outcome }: { id: string; outcome: 'upheld' | 'dismissed' }) =>
      unwrap(api.POST('/v1/abuse-reports/{id}/close', { params: { path: { id } }, body: { outcome } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.abuseReportsAll }),
  })
}

export function useDecideSanction() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: 'confirm' | 'cancel' | 'lift' }) => {
      const options = { params: { path: { id } }, body: {} }
      if (decision === 'confirm') return unwrap(api.POST('/v1/sanctions/{id}/confirm', options))
      if (decision === 'cancel') return unwrap(api.POST('/v1/sanctions/{id}/cancel', options))
      return unwrap(api.POST('/v1/sanctions/{id}/lift', options))
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.sanctionsAll }),
  })
}

/** The verdict a draft would get (writes nothing): the sellers' and buyers' pages check as people type. */
export function useModerationCheck() {
  return useMutation({
    mutationFn: (body: { text: string; sender_role: 'buyer' | 'seller' | 'arbiter' }) =>
      unwrap<ModerationVerdict>(api.POST('/v1/moderation/check', { body })),
  })
}
