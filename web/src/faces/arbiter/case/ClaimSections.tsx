import { Table, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { useOrder } from '../../../api/hooks/orders'
import type { Claim } from '../../../api/types'
import { Money, Time } from '../../../ui/format'
import { QueryView } from '../../../ui/states'
import { Section } from '../../../ui/Section'

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w="40%">
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  )
}

export function LineSection({ claim }: { claim: Claim }) {
  const { t } = useTranslation()
  const order = useOrder(claim.order_id)
  return (
    <Section id="line" title={t('arbiter.case.line')}>
      <QueryView query={order}>
        {(o) => {
          const line = o.lines.find((l) => l.id === claim.line_id)
          return (
            <Table data-testid="order-line">
              <Table.Tbody>
                <Row label={t('arbiter.case.order')}>{o.id}</Row>
                <Row label={t('arbiter.case.line')}>{line?.title ?? claim.line_id}</Row>
                <Row label={t('arbiter.case.sku')}>{claim.sku}</Row>
                <Row label={t('arbiter.case.quantity')}>{line?.quantity ?? '—'}</Row>
                <Row label={t('arbiter.case.unitPrice')}>
                  <Money minor={line?.unit_price} currency={claim.currency} />
                </Row>
                <Row label={t('money.lineTotal')}>
                  <Money minor={claim.line_total} currency={claim.currency} />
                </Row>
                <Row label={t('arbiter.case.buyer')}>{'id' in claim.buyer ? claim.buyer.id : '—'}</Row>
                <Row label={t('arbiter.case.seller')}>{claim.seller_id}</Row>
              </Table.Tbody>
            </Table>
          )
        }}
      </QueryView>
    </Section>
  )
}

export function ClaimSection({ claim }: { claim: Claim }) {
  const { t } = useTranslation()
  return (
    <Section id="claim" title={t('arbiter.case.claim')}>
      <Table>
        <Table.Tbody>
          <Row label={t('arbiter.case.reason')}>{t(`reason.${claim.reason}`, { defaultValue: claim.reason })}</Row>
          <Row label={t('arbiter.case.requested')}>
            {t(`resolution.${claim.requested_resolution}`, { defaultValue: claim.requested_resolution })}
          </Row>
          <Row label={t('arbiter.case.opened')}>
            <Time iso={claim.created_at} />
          </Row>
        </Table.Tbody>
      </Table>
      <Text fw={600}>{t('arbiter.case.description')}</Text>
      <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="claim-description">
        {claim.description}
      </Text>
      {claim.resolution && (
        <Text data-testid="claim-resolution">
          {t('arbiter.case.resolution')}:{' '}
          {t(`resolution.${claim.resolution.type}`, { defaultValue: claim.resolution.type })}{' '}
          {claim.resolution.amount !== null && claim.resolution.amount !== undefined && (
            <Money minor={claim.resolution.amount} currency={claim.currency} />
          )}
        </Text>
      )}
    </Section>
  )
}
