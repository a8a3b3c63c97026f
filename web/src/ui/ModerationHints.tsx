// A 422 message-blocked problem's violations, shown beside the field whose text was refused.
import { List, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { isProblem } from '../api/problem'

interface Violation {
  rule: string
  excerpt?: string
  hint?: string
}

export function blockedViolations(error: unknown): Violation[] | null {
  if (!isProblem(error, 'message-blocked')) return null
  const list = error.body.violations
  return Array.isArray(list) ? (list as Violation[]) : []
}

export function ModerationHints({ error, id }: { error: unknown; id: string }) {
  const { t } = useTranslation()
  const violations = blockedViolations(error)
  if (!violations) return null
  return (
    <div id={id} role="alert" data-testid="moderation-hints">
      <Text size="sm" fw={600} c="red.9">
        {t('problem.blockedTitle')}
      </Text>
      <ViolationList violations={violations} color="red.9" />
    </div>
  )
}

/** Each violation as its excerpt and the hint how to rephrase it (the rule's name when there is no hint). */
export function ViolationList({ violations, color }: { violations: readonly Violation[]; color: string }) {
  return (
    <List size="sm" c={color}>
      {violations.map((v, i) => (
        <List.Item key={`${v.rule}-${i}`}>
          {v.excerpt ? `«${v.excerpt}»: ` : ''}
          {v.hint ?? v.rule}
        </List.Item>
      ))}
    </List>
  )
}
