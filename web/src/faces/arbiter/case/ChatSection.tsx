// The claim's chat thread, oldest at the top; system messages styled apart from people's.
import { Box, Button, Group, Stack, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { useOrderThread, useThreadMessages } from '../../../api/hooks/threads'
import type { MessagePage } from '../../../api/types'
import { Time } from '../../../ui/format'
import { Loading, ProblemAlert } from '../../../ui/states'
import { Section } from '../../../ui/Section'

type Message = MessagePage['items'][number]

export function ChatSection({ orderId }: { orderId: string }) {
  const { t } = useTranslation()
  const thread = useOrderThread(orderId)
  return (
    <Section id="chat" title={t('arbiter.case.chat')}>
      {thread.error ? (
        <ProblemAlert error={thread.error} onRetry={() => void thread.refetch()} />
      ) : thread.isPending ? (
        <Loading />
      ) : thread.data ? (
        <Messages threadId={thread.data.id} />
      ) : (
        <Text c="gray.7">{t('arbiter.case.noThread')}</Text>
      )}
    </Section>
  )
}

function Messages({ threadId }: { threadId: string }) {
  const { t } = useTranslation()
  const messages = useThreadMessages(threadId)
  if (messages.error) return <ProblemAlert error={messages.error} onRetry={() => void messages.refetch()} />
  if (!messages.data) return <Loading />
  // Pages come newest first; the thread reads top to bottom.
  const items = messages.data.pages.flatMap((p) => p.items).reverse()
  if (items.length === 0) return <Text c="gray.7">{t('arbiter.case.noMessages')}</Text>
  return (
    <Stack gap="xs">
      {messages.hasNextPage && (
        <Group>
          <Button
            variant="default"
            size="xs"
            loading={messages.isFetchingNextPage}
            onClick={() => void messages.fetchNextPage()}
          >
            {t('arbiter.case.olderMessages')}
          </Button>
        </Group>
      )}
      <Stack
        gap="xs"
        mah={420}
        style={{ overflowY: 'auto' }}
        tabIndex={0}
        aria-label={t('arbiter.case.chat')}
        data-testid="chat"
      >
        {items.map((m) => (
          <MessageItem key={m.id} message={m} />
        ))}
      </Stack>
    </Stack>
  )
}

function MessageItem({ message }: { message: Message }) {
  const { t } = useTranslation()
  const system = message.kind !== 'text' && message.sender.role === 'system'
  const who = 'id' in message.sender ? message.sender.id : ''
  return (
    <Box p="xs" className={system || message.sender.role === 'system' ? 'message-system' : 'message-party'}>
      <Group gap="xs" justify="space-between">
        <Text size="sm" fw={600}>
          {message.sender.role === 'system'
            ? t('arbiter.case.system')
            : `${t(`roles.${message.sender.role}`, { defaultValue: message.sender.role })} ${who}`}
        </Text>
        <Text size="xs" c="gray.7">
          <Time iso={message.created_at} />
        </Text>
      </Group>
      {message.text && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {message.text}
        </Text>
      )}
    </Box>
  )
}
