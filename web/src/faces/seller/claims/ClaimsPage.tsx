// The seller's claims: every filter the API has, kept in the URL; sorting by creation or due
// time; cursor pages; the buyer only by pseudonym; a badge where a deadline is near or passed.
import {
  Anchor,
  Button,
  Group,
  MultiSelect,
  Select,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router'
import { downloadClaimsCsv, useClaimList, type ClaimList } from '../../../api/hooks/seller-claims'
import { DueInCell, StateBadge, shortId } from '../bits'
import { Money, Time } from '../../../ui/format'
import { notify } from '../../../ui/notify'
import { Empty, ProblemAlert, QueryView } from '../../../ui/states'
import { CursorPager, useCursorPages } from '../../../ui/CursorPager'
import { CLAIM_REASONS, CLAIM_STATES } from '../../../api/vocabularies'
import { SCHEMES, readFilters, toQuery, writeFilters, type Filters, type Sort } from './filters'

const PAGE_SIZE = 25

export function ClaimsPage() {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const filters = readFilters(params)
  const query = toQuery(filters)
  const pages = useCursorPages()
  const { cursor } = pages
  const list = useClaimList({ ...query, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) })
  const [csvError, setCsvError] = useState<unknown>(null)
  const [exporting, setExporting] = useState(false)

  const update = (change: Partial<Filters>) => {
    setParams(writeFilters({ ...filters, ...change }), { replace: true })
    pages.reset()
  }

  const exportCsv = async () => {
    setExporting(true)
    setCsvError(null)
    try {
      await downloadClaimsCsv(query, `claims-${new Date().toISOString().slice(0, 10)}.csv`)
      notify('success', t('seller.claims.csvDone'))
    } catch (err) {
      setCsvError(err)
    } finally {
      setExporting(false)
    }
  }

  return (
    <Stack>
      <Group justify="space-between" align="end">
        <Title order={2}>{t('seller.claims.title')}</Title>
        <Button variant="outline" onClick={() => void exportCsv()} loading={exporting}>
          {t('seller.claims.csv')}
        </Button>
      </Group>
      {csvError !== null && <ProblemAlert error={csvError} />}
      <FilterBar filters={filters} onChange={update} />
      <QueryView query={list}>
        {(page) => (
          <>
            {page.items.length === 0 ? <Empty>{t('seller.claims.empty')}</Empty> : <ClaimsTable items={page.items} />}
            <CursorPager pages={pages} nextCursor={page.next_cursor} />
          </>
        )}
      </QueryView>
    </Stack>
  )
}

function FilterBar({ filters, onChange }: { filters: Filters; onChange: (change: Partial<Filters>) => void }) {
  const { t } = useTranslation()
  return (
    <Stack gap="xs" component="section" aria-label={t('seller.claims.filters')}>
      <Group align="end" gap="sm">
        <TextInput
          type="date"
          label={t('seller.claims.from')}
          value={filters.from}
          onChange={(e) => onChange({ from: e.currentTarget.value })}
        />
        <TextInput
          type="date"
          label={t('seller.claims.to')}
          value={filters.to}
          onChange={(e) => onChange({ to: e.currentTarget.value })}
        />
        <MultiSelect
          label={t('seller.claims.state')}
          placeholder={t('seller.claims.any')}
          data={CLAIM_STATES.map((s) => ({ value: s, label: t(`state.${s}`) }))}
          value={filters.state}
          onChange={(state) => onChange({ state })}
          clearable
          w={240}
        />
        <MultiSelect
          label={t('seller.claims.reason')}
          placeholder={t('seller.claims.any')}
          data={CLAIM_REASONS.map((r) => ({ value: r, label: t(`reason.${r}`) }))}
          value={filters.reason}
          onChange={(reason) => onChange({ reason })}
          clearable
          w={240}
        />
        <MultiSelect
          label={t('seller.claims.scheme')}
          placeholder={t('seller.claims.any')}
          data={[...SCHEMES]}
          value={filters.scheme}
          onChange={(scheme) => onChange({ scheme })}
          clearable
          w={180}
        />
        {/* Applied on Enter or on leaving the field, not on every key; remounted when the URL changes it. */}
        <TextInput
          key={filters.sku}
          label={t('seller.claims.sku')}
          description={t('seller.claims.skuHint')}
          defaultValue={filters.sku}
          onBlur={(e) => e.currentTarget.value.trim() !== filters.sku && onChange({ sku: e.currentTarget.value })}
          onKeyDown={(e) => e.key === 'Enter' && onChange({ sku: e.currentTarget.value })}
          maxLength={128}
          w={160}
        />
        <Select
          label={t('seller.claims.overdue')}
          data={[
            { value: '', label: t('seller.claims.any') },
            { value: 'true', label: t('seller.claims.overdueOnly') },
            { value: 'false', label: t('seller.claims.notOverdue') },
          ]}
          value={filters.overdue}
          allowDeselect={false}
          onChange={(value) => onChange({ overdue: (value ?? '') as Filters['overdue'] })}
          w={170}
        />
      </Group>
      <Group gap="sm">
        <Text size="sm" id="sort-label">
          {t('seller.claims.sort')}
        </Text>
        <SegmentedControl
          aria-labelledby="sort-label"
          value={filters.sort}
          onChange={(sort) => onChange({ sort: sort as Sort })}
          data={[
            { value: 'created_at', label: t('seller.claims.sortCreated') },
            { value: 'due_at', label: t('seller.claims.sortDue') },
          ]}
        />
        <Button
          variant="subtle"
          size="xs"
          onClick={() => onChange({ from: '', to: '', state: [], reason: [], scheme: [], sku: '', overdue: '' })}
        >
          {t('seller.claims.reset')}
        </Button>
      </Group>
    </Stack>
  )
}

function ClaimsTable({ items }: { items: ClaimList['items'] }) {
  const { t } = useTranslation()
  return (
    <Table striped highlightOnHover verticalSpacing="xs" data-testid="claims-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('seller.claims.claim')}</Table.Th>
          <Table.Th scope="col">{t('seller.claims.created')}</Table.Th>
          <Table.Th scope="col">{t('seller.claims.buyer')}</Table.Th>
          <Table.Th scope="col">{t('seller.claims.sku')}</Table.Th>
          <Table.Th scope="col">{t('seller.claims.reason')}</Table.Th>
          <Table.Th scope="col">{t('seller.claims.state')}</Table.Th>
          <Table.Th scope="col">{t('seller.claims.amount')}</Table.Th>
          <Table.Th scope="col">{t('seller.claims.due')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((claim) => (
          <Table.Tr key={claim.id} data-claim-id={claim.id}>
            <Table.Td>
              <Anchor component={Link} to={`/seller/claims/${claim.id}`}>
                {shortId(claim.id)}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <Time iso={claim.created_at} />
            </Table.Td>
            <Table.Td>{'pseudonym' in claim.buyer ? claim.buyer.pseudonym : '—'}</Table.Td>
            <Table.Td>
              {claim.sku}
              <Text size="xs" c="gray.7">
                {claim.scheme}
              </Text>
            </Table.Td>
            <Table.Td>{t(`reason.${claim.reason}`)}</Table.Td>
            <Table.Td>
              <StateBadge state={claim.state} />
            </Table.Td>
            <Table.Td>
              <Money minor={claim.line_total} currency={claim.currency} />
            </Table.Td>
            <Table.Td>
              <DueInCell claim={claim} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
