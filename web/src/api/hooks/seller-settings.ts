// The seller's chat settings: the pre-sale switch and the official domains links may point to.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { ResponseOf } from '../types'

export type ChatSettings = ResponseOf<'/v1/sellers/me/chat-settings', 'get'>
export type OfficialDomains = ResponseOf<'/v1/sellers/me/official-domains', 'get'>

const settingsKey = ['seller-settings'] as const
const domainsKey = ['seller-settings', 'domains'] as const

export function useChatSettings() {
  return useQuery({
    queryKey: settingsKey,
    queryFn: () => unwrap<ChatSettings>(api.GET('/v1/sellers/me/chat-settings')),
  })
}

export function useSetPresale() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (presale_questions: boolean) =>
      unwrap<ChatSettings>(api.PUT('/v1/sellers/me/chat-settings', { body: { presale_questions } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: settingsKey }),
  })
}

export function useOfficialDomains() {
  return useQuery({
    queryKey: domainsKey,
    queryFn: () => unwrap<OfficialDomains>(api.GET('/v1/sellers/me/official-domains')),
  })
}

/** Replaces the list: new domains wait for the platform's review, removed ones stop counting. */
export function usePutDomains() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (domains: string[]) =>
      unwrap<OfficialDomains>(api.PUT('/v1/sellers/me/official-domains', { body: { domains } })),
    onSuccess: (data) => client.setQueryData(domainsKey, data),
  })
}
