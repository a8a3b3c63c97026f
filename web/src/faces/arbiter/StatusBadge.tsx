import { Badge } from '@mantine/core'
import { useTranslation } from 'react-i18next'

// Dark shades: white text on them stays above 4.5:1.
const COLORS: Record<string, string> = {
  unassigned: 'blue.9',
  under_review: 'grape.9',
  awaiting_info: 'violet.9',
}

export function ArbiterStatusBadge({ status }: { status: string | null | undefined }) {
  const { t } = useTranslation()
  if (!status) return null
  return (
    <Badge color={COLORS[status] ?? 'gray.8'} variant="filled" radius="sm" tt="none">
      {t(`arbiterStatus.${status}`, { defaultValue: status })}
    </Badge>
  )
}

export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation()
  return (
    <Badge color="gray.8" variant="filled" radius="sm" tt="none">
      {t(`state.${state}`, { defaultValue: state })}
    </Badge>
  )
}
