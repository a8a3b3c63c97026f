// One thread in full, with a link back to the list.
import { Anchor, Stack, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router'
import { useThread } from '../../../api/hooks/chat'
import { QueryView } from '../../../ui/states'
import { ChatThread } from '../../../ui/chat/ChatThread'

export function ThreadPage() {
  const { t } = useTranslation()
  const { threadId = '' } = useParams()
  const thread = useThread(threadId)
  return (
    <Stack>
      <Anchor component={Link} to="/seller/chat">
        {t('seller.chat.back')}
      </Anchor>
      <QueryView query={thread}>
        {(th) => (
          <>
            <Title order={2}>
              {t('seller.chat.threadTitle', {
                order: th.order_id,
                buyer: 'pseudonym' in th.buyer ? th.buyer.pseudonym : '',
              })}
            </Title>
            <ChatThread threadId={th.id} viewer="seller" />
          </>
        )}
      </QueryView>
    </Stack>
  )
}
