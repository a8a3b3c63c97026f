// A thread's messages, newest first, older pages loaded as the list is scrolled to its end;
// system messages set apart from people's, the viewer's own messages said as "You".
import { Box, Button, Group, Stack, Text } from '@mantine/core'
import type { UIEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useThreadMessages } from '../../api/hooks/threads'
import type { MessagePage } from '../../api/types'
import { Time } from '../format'
import { PhotoGallery } from '../PhotoGallery'
import { Loading, ProblemAlert } from '../states'
import { MessageStatusBadge } from './MessageStatusBadge'

type Message = MessagePage['items'][number]

/** Who reads the thread: a party's own messages are "You"; an arbiter sees every party by role and id. */
export type ChatViewer = 'buyer' | 'seller' | 'arbiter'

export function MessageList({
  threadId,
  viewer,
  maxHeight,
}: {
  threadId: string
  viewer: ChatViewer
  maxHeight: number
}) {
  const { t } = useTranslation()
  const messages = useThreadMessages(threadId)
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = messages
  if (messages.error) return <ProblemAlert error={messages.error} onRetry={() => void messages.refetch()} />
  if (!messages.data) return <Loading />
  const items = messages.data.pages.flatMap((p) => p.items)
  // Older pages come in when the list is scrolled to (near) its end.
  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const list = event.currentTarget
    const nearEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 48
    if (nearEnd && hasNextPage && !isFetchingNextPage) void fetchNextPage()
  }
  return (
    <Stack
      gap="xs"
      mah={maxHeight}
      style={{ overflowY: 'auto' }}
      tabIndex={0}
      aria-label={t('chat.messages')}
      data-testid="chat"
      onScroll={onScroll}
    >
      {items.length === 0 && <Text c="gray.7">{t('chat.noMessages')}</Text>}
      {items.map((m) => (
        <MessageItem key={m.id} message={m} viewer={viewer} />
      ))}
      {hasNextPage && (
        <Button variant="default" size="xs" loading={isFetchingNextPage} onClick={() => void fetchNextPage()}>
          {t('chat.older')}
        </Button>
      )}
    </Stack>
  )
}

function MessageItem({ message, viewer }: { message: Message; viewer: ChatViewer }) {
  const { t } = useTranslation()
  const sender = message.sender
  const system = sender.role === 'system' || message.kind !== 'text'
  const tag = 'pseudonym' in sender ? sender.pseudonym : viewer === 'arbiter' ? sender.id : ''
  const who =
    sender.role === 'system'
      ? t('chat.system')
      : sender.role === viewer && viewer !== 'arbiter'
        ? t('chat.you')
        : `${t(`roles.${sender.role}`, { defaultValue: sender.role })}${tag ? ` ${tag}` : ''}`
  return (
    <Box p="xs" className={system ? 'message-system' : 'message-party'} data-kind={message.kind}>
      <Group gap="xs" justify="space-between">
        <Text size="sm" fw={600}>
          {who}
        </Text>
        <Text size="xs" c="gray.7">
          <Time iso={message.created_at} />
        </Text>
      </Group>
      {/* Only the sender and arbiters ever see a message that is not delivered (policy moderation_review = hold). */}
      {message.status !== 'delivered' && (
        <MessageStatusBadge status={message.status}>{t(`chat.status.${message.status}`)}</MessageStatusBadge>
      )}
      {message.text && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {message.text}
        </Text>
      )}
      {message.photos.length > 0 && <PhotoGallery photos={message.photos} />}
    </Box>
  )
}
