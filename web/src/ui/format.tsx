// Money, times and deadlines as people read them, in the chosen language.
import { Badge, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { formatMoney } from '../format/money'
import { dueFrom, formatTime } from '../format/time'
import { useNow } from '../format/useNow'

export function Money({ minor, currency }: { minor: number | null | undefined; currency: string }) {
  const { i18n } = useTranslation()
  if (minor === null || minor === undefined) return <>—</>
  return <>{formatMoney(minor, currency, i18n.resolvedLanguage ?? 'en')}</>
}

export function Time({ iso }: { iso: string | null | undefined }) {
  const { i18n } = useTranslation()
  if (!iso) return <>—</>
  return <time dateTime={iso}>{formatTime(iso, i18n.resolvedLanguage ?? 'en')}</time>
}

/** "within 9 days" or "overdue by 3 hr", with the exact time on hover and for screen readers. */
export function DueIn({ iso, overdueFlag }: { iso: string | null | undefined; overdueFlag?: boolean }) {
  const { t, i18n } = useTranslation()
  const now = useNow()
  if (!iso) return <Text span>{t('due.none')}</Text>
  const language = i18n.resolvedLanguage ?? 'en'
  const due = dueFrom(iso, now, language)
  const overdue = due.overdue || overdueFlag === true
  const text = due.overdue ? t('due.overdueBy', { duration: due.span }) : t('due.within', { duration: due.span })
  return (
    <time dateTime={iso} title={formatTime(iso, language)}>
      {overdue ? (
        <Badge color="red.9" variant="filled" radius="sm" tt="none">
          {text}
        </Badge>
      ) : (
        <Text span>{text}</Text>
      )}
    </time>
  )
}
