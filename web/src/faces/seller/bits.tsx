// Small pieces the seller's pages share: a claim's short id, its state, its next deadline.
import { Badge, Group } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { Claim } from '../../api/types'
import { useNow } from '../../format/useNow'
import { DueIn } from '../../ui/format'

/** Under two days left counts as near. */
export const NEAR_MS = 2 * 24 * 3_600_000

export const shortId = (id: string) => id.slice(0, 8)

const STATE_COLORS: Record<string, string> = {
  awaiting_seller: 'blue.9',
  offer_pending: 'violet.9',
  escalated: 'red.9',
  resolved: 'teal.9',
  closed: 'gray.8',
  withdrawn: 'gray.8',
  rejected: 'pink.9',
}

export function StateBadge({ state }: { state: Claim['state'] }) {
  const { t } = useTranslation()
  return (
    <Badge color={STATE_COLORS[state] ?? 'indigo.9'} variant="filled" radius="sm" tt="none">
      {t(`state.${state}`)}
    </Badge>
  )
}

export function nextDeadline(claim: Pick<Claim, 'deadlines'>) {
  return [...claim.deadlines].sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at))[0]
}

/** The next pending deadline, relative and ticking, badged when near (under two days) or passed. */
export function DueInCell({ claim }: { claim: Pick<Claim, 'deadlines' | 'escalation'> }) {
  const { t } = useTranslation()
  const now = useNow()
  const due = nextDeadline(claim)
  if (!due) return <DueIn iso={null} />
  const left = Date.parse(due.due_at) - now
  return (
    <Group gap={6} wrap="nowrap">
      <DueIn iso={due.due_at} overdueFlag={claim.escalation?.overdue} />
      {left > 0 && left < NEAR_MS && (
        <Badge color="yellow.4" autoContrast variant="filled" radius="sm" tt="none" data-testid="due-soon">
          {t('seller.claims.dueSoon')}
        </Badge>
      )}
    </Group>
  )
}
