// The queue of escalated claims: overdue first, then priority, then due time (the API's order).
// Filters live in the URL (bookmarkable); pages follow the API's cursors; the list refetches
// on an interval so new escalations appear without a reload.
import { Anchor, Checkbox, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router'
import { QUEUE_REFRESH_MS, useArbiterQueue } from '../../../api/hooks/queue'
import type { QueuePage as Page } from '../../../api/types'
import { CursorPager, useCursorPages } from '../../../ui/CursorPager'
import { useSignedIn } from '../../../auth/useSession'
import { DueIn, Money } from '../../../ui/format'
import { Empty, QueryView } from '../../../ui/states'
import { ArbiterStatusBadge } from '../StatusBadge'
import { LostTake, shortId, TakeButton } from '../TakeButton'

const PAGE_SIZE = 25
type Assignee = 'all' | 'unassigned' | 'me'

export function QueuePage() {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const assignee = (
    ['unassigned', 'me'].includes(params.get('assignee') ?? '') ? params.get('assignee') : 'all'
  ) as Assignee
  const overdueOnly = params.get('overdue') === 'true'
  const pages = useCursorPages()
  const { cursor } = pages
  const queue = useArbiterQueue({
    limit: PAGE_SIZE,
    ...(assignee === 'all' ? {} : { assignee }),
    ...(overdueOnly ? { overdue: true } : {}),
    ...(cursor ? { cursor } : {}),
  })

  const setFilter = (name: string, value: string | null) => {
    const next = new URLSearchParams(params)
    if (value === null) next.delete(name)
    else next.set(name, value)
    setParams(next, { replace: true })
    pages.reset()
  }

  return (
    <Stack>
      <Group justify="space-between" align="end">
        <Title order={2}>{t('arbiter.queue.title')}</Title>
        <Text size="sm" c="gray.7">
          {t('common.updatesEvery', { seconds: QUEUE_REFRESH_MS / 1000 })}
        </Text>
      </Group>
      <Group>
        <SegmentedControl
          aria-label={t('arbiter.queue.assignee')}
          value={assignee}
          onChange={(value) => setFilter('assignee', value === 'all' ? null : value)}
          data={[
            { value: 'all', label: t('arbiter.queue.all') },
            { value: 'unassigned', label: t('arbiter.queue.unassigned') },
            { value: 'me', label: t('arbiter.queue.mine') },
          ]}
        />
        <Checkbox
          label={t('arbiter.queue.overdueOnly')}
          checked={overdueOnly}
          onChange={(event) => setFilter('overdue', event.currentTarget.checked ? 'true' : null)}
        />
      </Group>
      <QueryView query={queue}>
        {(page) => (
          <>
            {page.items.length === 0 ? <Empty>{t('arbiter.queue.empty')}</Empty> : <QueueTable items={page.items} />}
            <CursorPager pages={pages} nextCursor={page.next_cursor} />
          </>
        )}
      </QueryView>
    </Stack>
  )
}

function QueueTable({ items }: { items: Page['items'] }) {
  const { t } = useTranslation()
  const me = useSignedIn()
  // Takes this arbiter lost, by claim: still said after the refetch removes the Take button.
  const [lost, setLost] = useState<Record<string, string>>({})
  return (
    <Table striped highlightOnHover verticalSpacing="xs" data-testid="queue-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('arbiter.queue.claim')}</Table.Th>
          <Table.Th scope="col">{t('arbiter.queue.status')}</Table.Th>
          <Table.Th scope="col">{t('arbiter.queue.reason')}</Table.Th>
          <Table.Th scope="col">{t('arbiter.queue.amount')}</Table.Th>
          <Table.Th scope="col">{t('arbiter.queue.due')}</Table.Th>
          <Table.Th scope="col">{t('arbiter.queue.priority')}</Table.Th>
          <Table.Th scope="col">{t('arbiter.queue.assignedTo')}</Table.Th>
          <Table.Th scope="col">{t('arbiter.queue.actions')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((claim) => {
          const due = claim.deadlines.find((d) => d.kind === 'arbiter_decision') ?? claim.deadlines[0]
          const assignee = claim.escalation?.assignee
          return (
            <Table.Tr key={claim.id} data-claim-id={claim.id}>
              <Table.Td>
                <Anchor component={Link} to={`/arbiter/claims/${claim.id}`}>
                  {shortId(claim.id)}
                </Anchor>
                <Text size="xs" c="gray.7">
                  {claim.sku}
                </Text>
              </Table.Td>
              <Table.Td>
                <ArbiterStatusBadge status={claim.arbiter_status} />
              </Table.Td>
              <Table.Td>{t(`reason.${claim.reason}`, { defaultValue: claim.reason })}</Table.Td>
              <Table.Td>
                <Money minor={claim.line_total} currency={claim.currency} />
              </Table.Td>
              <Table.Td>
                <DueIn iso={due?.due_at} overdueFlag={claim.escalation?.overdue} />
              </Table.Td>
              <Table.Td>{claim.escalation?.priority ?? 0}</Table.Td>
              <Table.Td>{assignee ? (assignee === me.sub ? t('arbiter.queue.you') : assignee) : '—'}</Table.Td>
              <Table.Td>
                {lost[claim.id] ? (
                  <LostTake who={lost[claim.id] as string} />
                ) : claim.allowed_actions.includes('take') ? (
                  <TakeButton claim={claim} onLost={(who) => setLost((l) => ({ ...l, [claim.id]: who }))} />
                ) : (
                  <Anchor component={Link} to={`/arbiter/claims/${claim.id}`}>
                    {t('arbiter.queue.open')}
                  </Anchor>
                )}
              </Table.Td>
            </Table.Tr>
          )
        })}
      </Table.Tbody>
    </Table>
  )
}
