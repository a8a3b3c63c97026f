// The seller's threads: claim threads and pre-sale questions, the latest activity first.
import { Anchor, Badge, Button, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router'
import { useThreadList } from '../../../api/hooks/chat'
import { Time } from '../../../ui/format'
import { Empty, QueryView } from '../../../ui/states'

export function ChatPage() {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const claimsOnly = params.get('claims_only') === 'true'
  const threads = useThreadList(claimsOnly)
  return (
    <Stack>
      <Title order={2}>{t('seller.chat.title')}</Title>
      <SegmentedControl
        aria-label={t('seller.chat.which')}
        w="fit-content"
        value={claimsOnly ? 'claims' : 'all'}
        onChange={(value) => setParams(value === 'claims' ? { claims_only: 'true' } : {}, { replace: true })}
        data={[
          { value: 'all', label: t('seller.chat.all') },
          { value: 'claims', label: t('seller.chat.claimsOnly') },
        ]}
      />
      <QueryView query={threads}>
        {(data) => {
          const items = data.pages.flatMap((p) => p.items)
          if (items.length === 0) return <Empty>{t('seller.chat.noThreads')}</Empty>
          return (
            <>
              <Table striped verticalSpacing="xs" data-testid="threads-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('seller.claim.order')}</Table.Th>
                    <Table.Th scope="col">{t('seller.claims.buyer')}</Table.Th>
                    <Table.Th scope="col">{t('seller.chat.kind')}</Table.Th>
                    <Table.Th scope="col">{t('seller.chat.last')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((thread) => (
                    <Table.Tr key={thread.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/seller/chat/${thread.id}`}>
                          {thread.order_id}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{'pseudonym' in thread.buyer ? thread.buyer.pseudonym : '—'}</Table.Td>
                      <Table.Td>
                        {thread.has_claim ? (
                          <Badge color="blue.9" variant="filled" radius="sm" tt="none">
                            {t('seller.chat.claimThread')}
                          </Badge>
                        ) : (
                          <Text size="sm">{t('seller.chat.presale')}</Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Time iso={thread.last_message_at ?? thread.created_at} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {threads.hasNextPage && (
                <Button
                  variant="default"
                  w="fit-content"
                  loading={threads.isFetchingNextPage}
                  onClick={() => void threads.fetchNextPage()}
                >
                  {t('seller.chat.moreThreads')}
                </Button>
              )}
            </>
          )
        }}
      </QueryView>
    </Stack>
  )
}
