// The seller's statistics over a chosen period: the headline figures, claims by reason and by
// SKU with the claim rate, and a daily chart (GET /v1/sellers/me/stats).
import '@mantine/charts/styles.css'
import { BarChart } from '@mantine/charts'
import { Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router'
import { useSellerStats, type SellerStats } from '../../../api/hooks/seller-stats'
import { formatMoney } from '../../../format/money'
import { Empty, QueryView } from '../../../ui/states'
import { Section } from '../../arbiter/case/Section'
import { readPeriod, toStatsQuery } from './period'

export function StatsPage() {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const period = readPeriod(params)
  const stats = useSellerStats(toStatsQuery(period))
  const set = (name: 'from' | 'to', value: string) => {
    const next = new URLSearchParams({ ...period, [name]: value })
    setParams(next, { replace: true })
  }
  return (
    <Stack>
      <Title order={2}>{t('seller.stats.title')}</Title>
      <Group align="end">
        <TextInput
          type="date"
          label={t('seller.claims.from')}
          value={period.from}
          onChange={(e) => set('from', e.currentTarget.value)}
        />
        <TextInput
          type="date"
          label={t('seller.claims.to')}
          value={period.to}
          onChange={(e) => set('to', e.currentTarget.value)}
        />
        <Text size="sm" c="gray.7">
          {t('seller.stats.utc')}
        </Text>
      </Group>
      <QueryView query={stats}>{(data) => <StatsView stats={data} />}</QueryView>
    </Stack>
  )
}

/** A share as a percentage; none (no claims in the period) as a dash. */
const percent = (share: number | null, language: string) =>
  share === null ? '—' : new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(share)

function duration(seconds: number | null | undefined, language: string): string {
  if (seconds === null || seconds === undefined) return '—'
  const hours = seconds / 3600
  if (hours < 1)
    return new Intl.NumberFormat(language, { style: 'unit', unit: 'minute', maximumFractionDigits: 0 }).format(
      seconds / 60,
    )
  return new Intl.NumberFormat(language, { style: 'unit', unit: 'hour', maximumFractionDigits: 1 }).format(hours)
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Paper withBorder p="sm" radius="sm">
      <Text size="sm" c="gray.7">
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  )
}

function StatsView({ stats }: { stats: SellerStats }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? 'en'
  const fines =
    stats.fines.length === 0
      ? formatMoney(0, 'RUB', language)
      : stats.fines.map((f) => formatMoney(f.amount, f.currency, language)).join(' + ')
  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure label={t('seller.stats.claims')} value={String(stats.claims)} testId="stat-claims" />
        <Figure
          label={t('seller.stats.median')}
          value={duration(stats.first_response.median_seconds, language)}
          testId="stat-median"
        />
        <Figure
          label={t('seller.stats.p90')}
          value={duration(stats.first_response.p90_seconds, language)}
          testId="stat-p90"
        />
        <Figure
          label={t('seller.stats.responded')}
          value={String(stats.first_response.responded)}
          testId="stat-responded"
        />
        <Figure
          label={t('seller.stats.escalated')}
          value={`${percent(stats.share_escalated, language)} (${stats.escalated})`}
          testId="stat-escalated"
        />
        <Figure
          label={t('seller.stats.against')}
          value={`${percent(stats.share_decided_against_seller, language)} (${stats.decided_against_seller})`}
          testId="stat-against"
        />
        <Figure label={t('seller.stats.fines')} value={fines} testId="stat-fines" />
      </SimpleGrid>
      <Section id="daily" title={t('seller.stats.daily')}>
        <div role="img" aria-label={t('seller.stats.dailyAlt', { claims: stats.claims, days: stats.daily.length })}>
          <BarChart
            h={220}
            data={stats.daily.map((d) => ({ date: d.date.slice(5), claims: d.claims }))}
            dataKey="date"
            series={[{ name: 'claims', label: t('seller.stats.claims'), color: 'blue.9' }]}
            tickLine="y"
            withTooltip
            data-testid="daily-chart"
          />
        </div>
      </Section>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Section id="by-reason" title={t('seller.stats.byReason')}>
          {stats.by_reason.length === 0 ? (
            <Empty>{t('seller.stats.none')}</Empty>
          ) : (
            <Table data-testid="by-reason">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('seller.claims.reason')}</Table.Th>
                  <Table.Th scope="col">{t('seller.stats.claims')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {stats.by_reason.map((r) => (
                  <Table.Tr key={r.reason} data-reason={r.reason}>
                    <Table.Td>{t(`reason.${r.reason}`, { defaultValue: r.reason })}</Table.Td>
                    <Table.Td>{r.claims}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Section>
        <Section id="by-sku" title={t('seller.stats.bySku', { count: stats.skus })}>
          {stats.by_sku.length === 0 ? (
            <Empty>{t('seller.stats.none')}</Empty>
          ) : (
            <Table data-testid="by-sku">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('seller.claims.sku')}</Table.Th>
                  <Table.Th scope="col">{t('seller.stats.claims')}</Table.Th>
                  <Table.Th scope="col">{t('seller.stats.lines')}</Table.Th>
                  <Table.Th scope="col">{t('seller.stats.rate')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {stats.by_sku.map((s) => (
                  <Table.Tr key={s.sku} data-sku={s.sku}>
                    <Table.Td>{s.sku}</Table.Td>
                    <Table.Td>{s.claims}</Table.Td>
                    <Table.Td>{s.order_lines}</Table.Td>
                    <Table.Td>{s.claim_rate === null ? '—' : percent(s.claim_rate, language)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Section>
      </SimpleGrid>
    </Stack>
  )
}
