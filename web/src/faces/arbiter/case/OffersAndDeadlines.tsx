import { List, Table, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { Claim } from '../../../api/types'
import { DueIn, Money, Time } from '../../../ui/format'
import { Section } from '../../../ui/Section'

export function OffersSection({ claim }: { claim: Claim }) {
  const { t } = useTranslation()
  return (
    <Section id="offers" title={t('arbiter.case.offers')}>
      {claim.offers.length === 0 ? (
        <Text c="gray.7">{t('arbiter.case.noOffers')}</Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">#</Table.Th>
              <Table.Th scope="col">{t('arbiter.case.kind')}</Table.Th>
              <Table.Th scope="col">{t('arbiter.queue.amount')}</Table.Th>
              <Table.Th scope="col">{t('arbiter.queue.status')}</Table.Th>
              <Table.Th scope="col">{t('arbiter.case.made')}</Table.Th>
              <Table.Th scope="col">{t('arbiter.case.answered')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {claim.offers.map((offer) => (
              <Table.Tr key={offer.n}>
                <Table.Td>{offer.n}</Table.Td>
                <Table.Td>
                  {t(`resolution.${offer.kind}`, { defaultValue: offer.kind })}
                  {offer.part ? `: ${offer.part}` : ''}
                </Table.Td>
                <Table.Td>
                  <Money minor={offer.amount} currency={claim.currency} />
                </Table.Td>
                <Table.Td>{t(`offerStatus.${offer.status}`, { defaultValue: offer.status })}</Table.Td>
                <Table.Td>
                  <Time iso={offer.made_at} />
                </Table.Td>
                <Table.Td>
                  <Time iso={offer.answered_at} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  )
}

export function DeadlinesSection({ claim }: { claim: Claim }) {
  const { t } = useTranslation()
  return (
    <Section id="deadlines" title={t('arbiter.case.deadlines')}>
      {claim.deadlines.length === 0 ? (
        <Text c="gray.7">{t('arbiter.case.noDeadlines')}</Text>
      ) : (
        <List listStyleType="none" spacing="xs">
          {claim.deadlines.map((d) => (
            <List.Item key={d.kind}>
              <Text span fw={600}>
                {t(`deadline.${d.kind}`, { defaultValue: d.kind })}
              </Text>
              : <DueIn iso={d.due_at} overdueFlag={d.kind === 'arbiter_decision' && claim.escalation?.overdue} /> (
              <Time iso={d.due_at} />)
            </List.Item>
          ))}
        </List>
      )}
    </Section>
  )
}
