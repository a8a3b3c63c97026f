// One claim as its seller sees it: the line, the buyer's description and photos, offers and the
// outcome, the chat; beside them, kept in sight, the deadlines and the decision panel.
import { Box, Grid, Group, Stack, Table, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { useParams } from 'react-router'
import { useClaim } from '../../../api/hooks/claims'
import type { Claim } from '../../../api/types'
import { DueIn, Money, Time } from '../../../ui/format'
import { PhotoGallery } from '../../../ui/PhotoGallery'
import { QueryView } from '../../../ui/states'
import { Section } from '../../../ui/Section'
import { StateBadge, shortId } from '../bits'
import { OrderChat } from '../../../ui/chat/OrderChat'
import { DecisionPanel } from './DecisionPanel'

export function ClaimPage() {
  const { id = '' } = useParams()
  const claim = useClaim(id)
  return <QueryView query={claim}>{(c) => <ClaimView claim={c} onReload={() => void claim.refetch()} />}</QueryView>
}

function ClaimView({ claim, onReload }: { claim: Claim; onReload: () => void }) {
  const { t } = useTranslation()
  const pseudonym = 'pseudonym' in claim.buyer ? claim.buyer.pseudonym : '—'
  return (
    <Stack>
      <Group justify="space-between" align="center">
        <Title order={2}>{t('seller.claim.title', { id: shortId(claim.id) })}</Title>
        <StateBadge state={claim.state} />
      </Group>
      <Grid gutter="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <Section id="line" title={t('seller.claim.line')}>
              <Table variant="vertical" layout="fixed" withTableBorder>
                <Table.Tbody>
                  <Row label={t('seller.claim.order')} value={`${claim.order_id} · ${claim.line_id}`} />
                  <Row label={t('seller.claims.sku')} value={`${claim.sku} (${claim.scheme})`} />
                  <Row
                    label={t('money.lineTotal')}
                    value={<Money minor={claim.line_total} currency={claim.currency} />}
                  />
                  <Row
                    label={t('seller.claims.buyer')}
                    value={<span data-testid="buyer-pseudonym">{pseudonym}</span>}
                  />
                  <Row label={t('seller.claims.reason')} value={t(`reason.${claim.reason}`)} />
                  <Row label={t('seller.claim.wants')} value={t(`resolution.${claim.requested_resolution}`)} />
                  <Row label={t('seller.claims.created')} value={<Time iso={claim.created_at} />} />
                </Table.Tbody>
              </Table>
            </Section>
            <Section id="description" title={t('seller.claim.description')}>
              <Text style={{ whiteSpace: 'pre-wrap' }}>{claim.description}</Text>
              <PhotoGallery photos={claim.photos} />
            </Section>
            <OffersAndOutcome claim={claim} />
            <Section id="chat" title={t('seller.claim.chat')}>
              <OrderChat orderId={claim.order_id} viewer="seller" compact />
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Box className="seller-sticky">
            <Stack>
              <Section id="deadlines" title={t('seller.claim.deadlines')}>
                {claim.deadlines.length === 0 ? (
                  <Text c="gray.7">{t('due.none')}</Text>
                ) : (
                  claim.deadlines.map((d) => (
                    <Group key={d.kind} justify="space-between" data-testid="deadline">
                      <Text size="sm">{t(`deadline.${d.kind}`)}</Text>
                      <DueIn iso={d.due_at} />
                    </Group>
                  ))
                )}
              </Section>
              <DecisionPanel claim={claim} onReload={onReload} />
            </Stack>
          </Box>
        </Grid.Col>
      </Grid>
    </Stack>
  )
}

function Row({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={180}>{label}</Table.Th>
      <Table.Td>{value}</Table.Td>
    </Table.Tr>
  )
}

function OffersAndOutcome({ claim }: { claim: Claim }) {
  const { t } = useTranslation()
  if (claim.offers.length === 0 && !claim.resolution) return null
  return (
    <Section id="offers" title={t('seller.claim.offers')}>
      {claim.offers.map((offer) => (
        <Group key={offer.n} justify="space-between" data-testid="offer">
          <Text size="sm">
            {t('seller.claim.offerLine', { n: offer.n, kind: t(`seller.offerKind.${offer.kind}`) })}{' '}
            {offer.kind === 'compensation' && <Money minor={offer.amount} currency={claim.currency} />}
            {offer.kind === 'partial_delivery' && offer.part ? `: ${offer.part}` : ''}
          </Text>
          <Text size="sm" fw={600}>
            {t(`offerStatus.${offer.status}`)}
          </Text>
        </Group>
      ))}
      {claim.resolution && (
        <Text data-testid="resolution">
          {t('seller.claim.resolution', {
            type: t(`resolution.${claim.resolution.type}`),
            by: t(`roles.${claim.resolution.decided_by}`),
          })}
          {claim.resolution.amount ? ' · ' : ''}
          {claim.resolution.amount ? <Money minor={claim.resolution.amount} currency={claim.currency} /> : null}
        </Text>
      )}
    </Section>
  )
}
