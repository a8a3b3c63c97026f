// The verdict moderation would give a draft (POST /v1/moderation/check writes nothing),
// asked once the person pauses typing, so the hints show before anything is sent.
import { useDebouncedValue } from '@mantine/hooks'
import { useQuery } from '@tanstack/react-query'
import { api } from '../../../api/client'
import { unwrap } from '../../../api/problem'
import type { ModerationVerdict } from '../../../api/types'

export const DRAFT_CHECK_DELAY_MS = 400

export function useDraftCheck(text: string) {
  const [settled] = useDebouncedValue(text.trim(), DRAFT_CHECK_DELAY_MS)
  const check = useQuery({
    queryKey: ['moderation-check', 'seller', settled] as const,
    queryFn: () =>
      unwrap<ModerationVerdict>(api.POST('/v1/moderation/check', { body: { text: settled, sender_role: 'seller' } })),
    enabled: settled.length > 0,
    staleTime: Infinity,
  })
  // A verdict for an older draft says nothing about the text as it is now.
  const current = settled === text.trim() && settled.length > 0 ? check.data : undefined
  return {
    verdict: current,
    blocked: current?.verdict === 'block',
    checking: settled !== text.trim() || check.isFetching,
  }
}
