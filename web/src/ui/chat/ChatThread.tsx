// One chat thread as every face shows it: the composer on top for the parties who may post
// (buyer and seller), then the messages, newest first, refreshed while the thread is open.
import { Stack } from '@mantine/core'
import { Composer } from './Composer'
import { MessageList, type ChatViewer } from './MessageList'

export function ChatThread({
  threadId,
  viewer,
  compact = false,
}: {
  threadId: string
  viewer: ChatViewer
  compact?: boolean
}) {
  return (
    <Stack gap="sm">
      {/* Arbiters read the thread; only its buyer and seller write in it. */}
      {viewer !== 'arbiter' && <Composer threadId={threadId} role={viewer} />}
      <MessageList threadId={threadId} viewer={viewer} maxHeight={compact ? 480 : 640} />
    </Stack>
  )
}
