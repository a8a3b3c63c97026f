// A thread, newest first, older pages loaded as the list is scrolled to its end; system
// messages set apart from people's; a composer with photos and the same draft check.
import { Box, Button, CloseButton, FileButton, Group, Image, Stack, Text } from '@mantine/core'
import { useEffect, useMemo, useRef, useState, type UIEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useSendMessage } from '../../../api/hooks/chat'
import { useThreadMessages } from '../../../api/hooks/threads'
import { isProblem } from '../../../api/problem'
import type { MessagePage } from '../../../api/types'
import { Time } from '../../../ui/format'
import { PhotoGallery } from '../../../ui/PhotoGallery'
import { Loading, ProblemAlert } from '../../../ui/states'
import { DraftField } from '../draft/DraftField'
import { useDraftCheck } from '../draft/useDraftCheck'
import { PHOTO_BYTES_MAX, PHOTOS_PER_MESSAGE_MAX, PHOTO_TYPES, photoProblem } from './photoChecks'

type Message = MessagePage['items'][number]

export function ThreadView({ threadId, compact = false }: { threadId: string; compact?: boolean }) {
  const { t } = useTranslation()
  const messages = useThreadMessages(threadId, 20)
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = messages
  // Older pages come in when the list is scrolled to (near) its end.
  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const list = event.currentTarget
    const nearEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 48
    if (nearEnd && hasNextPage && !isFetchingNextPage) void fetchNextPage()
  }

  return (
    <Stack gap="sm">
      <Composer threadId={threadId} />
      {messages.error ? (
        <ProblemAlert error={messages.error} onRetry={() => void messages.refetch()} />
      ) : !messages.data ? (
        <Loading />
      ) : (
        <Stack
          gap="xs"
          mah={compact ? 480 : 640}
          style={{ overflowY: 'auto' }}
          tabIndex={0}
          aria-label={t('seller.chat.messages')}
          data-testid="chat"
          onScroll={onScroll}
        >
          {messages.data.pages.flatMap((p) => p.items).length === 0 && (
            <Text c="gray.7">{t('seller.chat.noMessages')}</Text>
          )}
          {messages.data.pages
            .flatMap((p) => p.items)
            .map((m) => (
              <MessageItem key={m.id} message={m} />
            ))}
          {hasNextPage && (
            <Button variant="default" size="xs" loading={isFetchingNextPage} onClick={() => void fetchNextPage()}>
              {t('seller.chat.older')}
            </Button>
          )}
        </Stack>
      )}
    </Stack>
  )
}

function MessageItem({ message }: { message: Message }) {
  const { t } = useTranslation()
  const system = message.sender.role === 'system' || message.kind !== 'text'
  const sender = message.sender
  const who =
    sender.role === 'system'
      ? t('seller.chat.system')
      : sender.role === 'seller'
        ? t('seller.chat.you')
        : `${t(`roles.${sender.role}`, { defaultValue: sender.role })}${'pseudonym' in sender ? ` ${sender.pseudonym}` : ''}`
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
      {message.text && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {message.text}
        </Text>
      )}
      {message.photos.length > 0 && <PhotoGallery photos={message.photos} />}
    </Box>
  )
}

interface Picked {
  file: File
  url: string
  problem: 'type' | 'size' | null
}

function Composer({ threadId }: { threadId: string }) {
  const { t } = useTranslation()
  const [text, setText] = useState('')
  const [picked, setPicked] = useState<Picked[]>([])
  const check = useDraftCheck(text)
  const send = useSendMessage(threadId)
  // Previews are object URLs, freed when a photo leaves the draft or the composer goes away.
  const live = useRef<Picked[]>([])
  useEffect(() => {
    live.current = picked
  }, [picked])
  useEffect(() => () => live.current.forEach((p) => URL.revokeObjectURL(p.url)), [])
  const clear = () => {
    picked.forEach((p) => URL.revokeObjectURL(p.url))
    setPicked([])
  }

  const add = (files: File[]) =>
    setPicked((now) =>
      [...now, ...files.map((file) => ({ file, url: URL.createObjectURL(file), problem: photoProblem(file) }))].slice(
        0,
        PHOTOS_PER_MESSAGE_MAX,
      ),
    )
  const remove = (i: number) => {
    const gone = picked[i]
    if (gone) URL.revokeObjectURL(gone.url)
    setPicked((now) => now.filter((_, j) => j !== i))
  }
  // A refusal of one photo (photo-* problems) names its index.
  const refusedIndex = useMemo(() => {
    const index = isProblem(send.error) ? send.error.body.photo_index : undefined
    return typeof index === 'number' ? index : null
  }, [send.error])
  const badPhoto = picked.some((p) => p.problem !== null)
  const empty = text.trim().length === 0 && picked.length === 0

  return (
    <form
      aria-label={t('seller.chat.compose')}
      onSubmit={(event) => {
        event.preventDefault()
        send.mutate(
          { text: text.trim(), photos: picked.map((p) => p.file) },
          {
            onSuccess: () => {
              setText('')
              clear()
            },
          },
        )
      }}
    >
      <Stack gap="xs">
        <DraftField
          id={`compose-${threadId}`}
          label={t('seller.chat.message')}
          description={t('seller.chat.rules')}
          value={text}
          onChange={setText}
          verdict={check.verdict}
          sendError={send.error}
          maxLength={1000}
        />
        {picked.length > 0 && (
          <Group gap="sm" data-testid="picked-photos">
            {picked.map((p, i) => (
              <Stack key={p.url} gap={2} align="center" w={110}>
                <Image
                  src={p.url}
                  alt={t('seller.chat.pickedAlt', { n: i + 1, name: p.file.name })}
                  h={80}
                  w={100}
                  fit="cover"
                />
                <CloseButton
                  size="sm"
                  aria-label={t('seller.chat.removePhoto', { n: i + 1 })}
                  onClick={() => remove(i)}
                />
                {p.problem && (
                  <Text size="xs" c="red.9" role="alert">
                    {t(`seller.chat.photo.${p.problem}`, { mb: PHOTO_BYTES_MAX / 1024 / 1024 })}
                  </Text>
                )}
                {refusedIndex === i && isProblem(send.error) && (
                  <Text size="xs" c="red.9" role="alert" data-testid="photo-refused">
                    {send.error.detail ?? send.error.title}
                  </Text>
                )}
              </Stack>
            ))}
          </Group>
        )}
        {send.error !== null && refusedIndex === null && !isProblem(send.error, 'message-blocked') && (
          <ProblemAlert error={send.error} />
        )}
        <Group>
          <FileButton onChange={add} accept={PHOTO_TYPES.join(',')} multiple>
            {(props) => (
              <Button {...props} variant="default" disabled={picked.length >= PHOTOS_PER_MESSAGE_MAX}>
                {t('seller.chat.addPhotos', { max: PHOTOS_PER_MESSAGE_MAX })}
              </Button>
            )}
          </FileButton>
          <Button type="submit" loading={send.isPending} disabled={empty || check.blocked || badPhoto}>
            {t('seller.chat.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
