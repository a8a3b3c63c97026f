// The seller's own violations ledger with its totals, and any chat suspension: what it means
// and until when (GET /v1/violations, GET /v1/sanctions: a seller gets only its own).
import { Alert, Button, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { useOwnLedger } from '../../../api/hooks/ledger'
import { useSanctions } from '../../../api/hooks/moderation'
import type { SanctionPage, ViolationPage } from '../../../api/types'
import { Money, Time } from '../../../ui/format'
import { Empty, QueryView } from '../../../ui/states'
import { Section } from '../../arbiter/case/Section'

export function ViolationsPage() {
  const { t } = useTranslation()
  const sanctions = useSanctions({ kind: 'chat_suspension', limit: 20 })
  const ledger = useOwnLedger()
  return (
    <Stack>
      <Title order={2}>{t('seller.violations.title')}</Title>
      <Text size="sm">{t('seller.violations.intro')}</Text>
      <QueryView query={sanctions}>{(page) => <Suspensions items={page.items} />}</QueryView>
      <QueryView query={ledger}>
        {(data) => {
          const items = data.pages.flatMap((p) => p.items)
          const totals = data.pages[0]?.totals
          return (
            <Stack>
              {totals && (
                <SimpleGrid cols={{ base: 2, md: 4 }}>
                  <Total
                    label={t('seller.violations.recorded')}
                    value={String(totals.recorded)}
                    testId="total-recorded"
                  />
                  <Total
                    label={t('seller.violations.fines')}
                    value={<Money minor={totals.fines.amount} currency={totals.fines.currency} />}
                    testId="total-fines"
                  />
                  <Total
                    label={t('seller.violations.cancelled')}
                    value={String(totals.cancelled)}
                    testId="total-cancelled"
                  />
                  <Total
                    label={t('seller.violations.refunded')}
                    value={<Money minor={totals.refunded.amount} currency={totals.refunded.currency} />}
                    testId="total-refunded"
                  />
                </SimpleGrid>
              )}
              <Section id="ledger" title={t('seller.violations.ledger')}>
                {items.length === 0 ? <Empty>{t('seller.violations.empty')}</Empty> : <Ledger items={items} />}
                {ledger.hasNextPage && (
                  <Button
                    variant="default"
                    w="fit-content"
                    loading={ledger.isFetchingNextPage}
                    onClick={() => void ledger.fetchNextPage()}
                  >
                    {t('seller.violations.more')}
                  </Button>
                )}
              </Section>
            </Stack>
          )
        }}
      </QueryView>
    </Stack>
  )
}

function Total({ label, value, testId }: { label: string; value: React.ReactNode; testId: string }) {
  return (
    <Paper withBorder p="sm" radius="sm">
      <Text size="sm" c="gray.7">
        {label}
      </Text>
      <Text size="lg" fw={700} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  )
}

function Suspensions({ items }: { items: SanctionPage['items'] }) {
  const { t } = useTranslation()
  const inForce = items.filter((s) => s.in_force)
  const past = items.filter((s) => !s.in_force)
  return (
    <Stack gap="xs" data-testid="suspensions">
      {inForce.length === 0 ? (
        <Alert color="teal.9" variant="outline" title={t('seller.violations.noSuspension')}>
          <Text size="sm">{t('seller.violations.noSuspensionBody')}</Text>
        </Alert>
      ) : (
        inForce.map((s) => (
          <Alert key={s.id} color="red.9" variant="outline" title={t('seller.violations.suspended')} role="alert">
            <Text size="sm">{t('seller.violations.suspendedMeans')}</Text>
            <Text size="sm">
              {t(`seller.violations.until.${s.status === 'pending_review' ? 'pending' : 'confirmed'}`, {
                count: s.violation_count,
              })}
            </Text>
            <Text size="sm" c="gray.7">
              {t('seller.violations.since')} <Time iso={s.created_at} />
              {s.review_comment ? ` · ${s.review_comment}` : ''}
            </Text>
          </Alert>
        ))
      )}
      {past.map((s) => (
        <Text key={s.id} size="sm" c="gray.7">
          {t('seller.violations.pastSuspension', { status: t(`seller.sanctionStatus.${s.status}`) })}{' '}
          <Time iso={s.created_at} /> — <Time iso={s.ended_at} />
        </Text>
      ))}
    </Stack>
  )
}

function Ledger({ items }: { items: ViolationPage['items'] }) {
  const { t } = useTranslation()
  return (
    <Table striped verticalSpacing="xs" data-testid="ledger">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('seller.violations.when')}</Table.Th>
          <Table.Th scope="col">{t('seller.violations.rule')}</Table.Th>
          <Table.Th scope="col">{t('seller.violations.excerpt')}</Table.Th>
          <Table.Th scope="col">{t('seller.violations.fine')}</Table.Th>
          <Table.Th scope="col">{t('seller.violations.status')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((v) => (
          <Table.Tr key={v.id}>
            <Table.Td>
              <Time iso={v.created_at} />
            </Table.Td>
            <Table.Td>{t(`seller.rule.${v.rule}`, { defaultValue: v.rule })}</Table.Td>
            <Table.Td>
              {v.excerpt ? `«${v.excerpt}»` : '—'}
              {v.hint && (
                <Text size="xs" c="gray.7">
                  {v.hint}
                </Text>
              )}
            </Table.Td>
            <Table.Td>{v.fine ? <Money minor={v.fine.amount} currency={v.fine.currency} /> : '—'}</Table.Td>
            <Table.Td>
              {t(`seller.violationStatus.${v.status}`)}
              {v.cancel_reason && (
                <Text size="xs" c="gray.7">
                  {v.cancel_reason}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
