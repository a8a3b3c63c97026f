// Both parties' violations (the ledger) and the abuse reports in the claim's thread.
import { List, Stack, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { useAbuseReports } from '../../../api/hooks/moderation'
import { useOrderThread } from '../../../api/hooks/threads'
import { useViolations } from '../../../api/hooks/violations'
import type { Claim } from '../../../api/types'
import { formatMoney } from '../../../format/money'
import { Time } from '../../../ui/format'
import { QueryView } from '../../../ui/states'
import { Section } from '../../../ui/Section'

function PartyViolations({ role, id }: { role: 'buyer' | 'seller'; id: string }) {
  const { t, i18n } = useTranslation()
  const violations = useViolations({ party_role: role, party_id: id, limit: 20 })
  return (
    <Stack gap={4} data-testid={`violations-${role}`}>
      <Text fw={600}>{t('arbiter.case.violations', { party: `${t(`roles.${role}`)} ${id}` })}</Text>
      <QueryView query={violations}>
        {(page) =>
          page.items.length === 0 ? (
            <Text c="gray.7">{t('arbiter.case.noViolations')}</Text>
          ) : (
            <>
              <Text size="sm">
                {t('arbiter.case.fines', {
                  amount: formatMoney(
                    page.totals.fines.amount,
                    page.totals.fines.currency,
                    i18n.resolvedLanguage ?? 'en',
                  ),
                })}
              </Text>
              <List size="sm">
                {page.items.map((v) => (
                  <List.Item key={v.id}>
                    <Text span fw={600}>
                      {v.rule}
                    </Text>
                    {v.excerpt ? ` «${v.excerpt}»` : ''} · <Time iso={v.created_at} />
                    {v.status === 'cancelled' ? ` (${v.status})` : ''}
                  </List.Item>
                ))}
              </List>
            </>
          )
        }
      </QueryView>
    </Stack>
  )
}

function ThreadReports({ orderId }: { orderId: string }) {
  const { t } = useTranslation()
  const thread = useOrderThread(orderId)
  const threadId = thread.data?.id
  const reports = useAbuseReports({ thread_id: threadId ?? '', limit: 20 }, threadId !== undefined)
  const party = (p: { role: string; id?: string }) => `${t(`roles.${p.role}`, { defaultValue: p.role })} ${p.id ?? ''}`
  return (
    <Stack gap={4}>
      <Text fw={600}>{t('arbiter.case.reports')}</Text>
      {!threadId ? (
        <Text c="gray.7">{t('arbiter.case.noReports')}</Text>
      ) : (
        <QueryView query={reports}>
          {(page) =>
            page.items.length === 0 ? (
              <Text c="gray.7">{t('arbiter.case.noReports')}</Text>
            ) : (
              <List size="sm">
                {page.items.map((r) => (
                  <List.Item key={r.id}>
                    {t('arbiter.case.reported', { reporter: party(r.reporter), reported: party(r.reported) })}: «
                    {r.message.text}» · {r.status}
                  </List.Item>
                ))}
              </List>
            )
          }
        </QueryView>
      )}
    </Stack>
  )
}

export function PartiesSection({ claim }: { claim: Claim }) {
  const { t } = useTranslation()
  const buyerId = 'id' in claim.buyer ? claim.buyer.id : undefined
  return (
    <Section id="parties" title={t('arbiter.case.parties')}>
      {buyerId && <PartyViolations role="buyer" id={buyerId} />}
      <PartyViolations role="seller" id={claim.seller_id} />
      <ThreadReports orderId={claim.order_id} />
    </Section>
  )
}
