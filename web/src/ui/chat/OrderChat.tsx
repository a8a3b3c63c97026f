// The chat of an order's claim, found by the order (an order has at most one thread).
import { Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { useOrderThread } from '../../api/hooks/threads'
import { Loading, ProblemAlert } from '../states'
import { ChatThread } from './ChatThread'
import type { ChatViewer } from './MessageList'

export function OrderChat({ orderId, viewer, compact }: { orderId: string; viewer: ChatViewer; compact?: boolean }) {
  const { t } = useTranslation()
  const thread = useOrderThread(orderId)
  if (thread.error) return <ProblemAlert error={thread.error} onRetry={() => void thread.refetch()} />
  if (thread.isPending) return <Loading />
  if (!thread.data) return <Text c="gray.7">{t('chat.noThread')}</Text>
  return <ChatThread threadId={thread.data.id} viewer={viewer} compact={compact} />
}
