// The verdict moderation would give a draft (POST /v1/moderation/check writes nothing),
// asked once the person pauses typing, so the hints show before anything is sent.
import { useDebouncedValue } from '@mantine/hooks'
import { useQuery } from '@tanstack/react-query'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'
import type { ModerationVerdict } from '../../api/types'

export const DRAFT_CHECK_DELAY_MS = 400

/** Who the draft is checked as: the rules differ by sender (a seller may link their official domains). */
export type DraftRole = 'buyer' | 'seller' | 'arbiter'

export function useDraftCheck(text: string, role: DraftRole) {
  const [settled] = useDebouncedValue(text.trim(), DRAFT_CHECK_DELAY_MS)
  const check = useQuery({
    queryKey: ['moderation-check', role, settled] as const,
    queryFn: () =>
      unwrap<ModerationVerdict>(api.POST('/v1/moderation/check', { body: { text: settled, sender_role: role } })),
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
