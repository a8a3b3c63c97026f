// My orders: each line with a way to report a problem, a link to its open claim,
// or why no claim can be opened on it now.
import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { useMyOrders } from '../../../api/hooks/buyer'
import type { OrderPage } from '../../../api/types'
import { formatTime } from '../../../format/time'
import { Money } from '../../../ui/format'
import { Empty, Loading, ProblemAlert } from '../../../ui/states'

type Order = OrderPage['items'][number]
type Line = Order['lines'][number]

export function OrdersPage() {
  const { t } = useTranslation()
  const orders = useMyOrders()
  const items = orders.data?.pages.flatMap((p) => p.items) ?? []
  return (
    <Stack gap="md" maw={760} mx="auto">
      <Title order={2}>{t('buyer.orders.title')}</Title>
      {orders.error ? (
        <ProblemAlert error={orders.error} onRetry={() => void orders.refetch()} />
      ) : orders.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty>{t('buyer.orders.empty')}</Empty>
      ) : (
        <Stack gap="sm" component="ul" className="plain-list">
          {items.map((order) => (
            <OrderCard key={order.id} order={order} />
          ))}
        </Stack>
      )}
      {orders.hasNextPage && (
        <Button variant="default" loading={orders.isFetchingNextPage} onClick={() => void orders.fetchNextPage()}>
          {t('buyer.orders.more')}
        </Button>
      )}
    </Stack>
  )
}

function OrderCard({ order }: { order: Order }) {
  const { t, i18n } = useTranslation()
  return (
    <Card component="li" withBorder padding="sm" data-testid={`order-${order.id}`}>
      <Group justify="space-between" gap="xs">
        <Title order={3} size="h5">
          {t('buyer.orders.order', { id: order.id })}
        </Title>
        <Text size="sm" c="gray.7">
          {order.delivered_at
            ? t('buyer.orders.deliveredOn', { date: formatTime(order.delivered_at, i18n.language) })
            : t('buyer.orders.notDelivered')}
        </Text>
      </Group>
      <Stack gap="xs" mt="xs">
        {order.lines.map((line) => (
          <LineRow key={line.id} order={order} line={line} />
        ))}
      </Stack>
    </Card>
  )
}

function LineRow({ order, line }: { order: Order; line: Line }) {
  const { t, i18n } = useTranslation()
  return (
    <Stack gap={4} className="buyer-line">
      <Text fw={600}>{line.title}</Text>
      <Text size="sm" c="gray.7">
        {line.sku} · {line.quantity} × <Money minor={line.unit_price} currency={order.currency} />
      </Text>
      {line.open_claim_id ? (
        <Group gap="xs">
          <Badge color="orange.9" variant="filled" tt="none">
            {t('buyer.orders.openClaim')}
          </Badge>
          <Button component={Link} to={`/buyer/claims/${line.open_claim_id}`} variant="light" size="sm">
            {t('buyer.orders.openClaim')}
          </Button>
        </Group>
      ) : line.claim_window === 'open' ? (
        <Group gap="xs" justify="space-between">
          <Text size="xs" c="gray.7">
            {t('buyer.orders.windowEnds', { date: formatTime(line.claim_window_ends_at ?? '', i18n.language) })}
          </Text>
          <Button
            component={Link}
            to={`/buyer/orders/${encodeURIComponent(order.id)}/lines/${encodeURIComponent(line.id)}/claim`}
            size="sm"
          >
            {t('buyer.orders.report')}
          </Button>
        </Group>
      ) : line.claim_window === 'passed' ? (
        <Text size="sm" c="gray.7">
          {t('buyer.orders.windowPassed', { date: formatTime(line.claim_window_ends_at ?? '', i18n.language) })}
        </Text>
      ) : (
        <Text size="sm" c="gray.7">
          {t('buyer.orders.windowNotDelivered')}
        </Text>
      )}
    </Stack>
  )
}
