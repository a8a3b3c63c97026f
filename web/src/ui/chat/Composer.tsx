// Writing in a thread: text checked as it is typed (with the sender's rules), photos checked
// against the service's limits before upload. A refused send keeps the draft and says why.
import { Alert, Button, CloseButton, FileButton, Group, Image, Stack, Text } from '@mantine/core'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useSendMessage } from '../../api/hooks/chat'
import { usePhotoLimits, type PhotoLimits } from '../../api/hooks/orders'
import { isProblem } from '../../api/problem'
import { DraftField } from '../draft/DraftField'
import { useDraftCheck } from '../draft/useDraftCheck'
import { ProblemAlert } from '../states'
import { photoProblem, type PhotoProblem } from './photoChecks'

interface Picked {
  file: File
  url: string
  problem: PhotoProblem | null
}

export function Composer({ threadId, role }: { threadId: string; role: 'buyer' | 'seller' }) {
  const { t } = useTranslation()
  // Until the limits are read, photos cannot be added (text can be sent).
  const limits = usePhotoLimits().data
  const [text, setText] = useState('')
  const [picked, setPicked] = useState<Picked[]>([])
  const check = useDraftCheck(text, role)
  const send = useSendMessage(threadId)
  // 202 with status held: stored, but the other party sees it only once an arbiter releases it.
  const [held, setHeld] = useState(false)
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

  const add = (files: File[], policy: PhotoLimits) =>
    setPicked((now) =>
      [
        ...now,
        ...files.map((file) => ({ file, url: URL.createObjectURL(file), problem: photoProblem(file, policy) })),
      ].slice(0, policy.photos_per_message_max),
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
      aria-label={t('chat.compose')}
      onSubmit={(event) => {
        event.preventDefault()
        setHeld(false)
        send.mutate(
          { text: text.trim(), photos: picked.map((p) => p.file) },
          {
            onSuccess: (sent) => {
              setHeld(isHeld(sent))
              setText('')
              clear()
            },
          },
        )
      }}
    >
      <Stack gap="xs">
        {held && (
          <Alert color="yellow" role="status" data-testid="message-held">
            {t('chat.heldNotice')}
          </Alert>
        )}
        <DraftField
          id={`compose-${threadId}`}
          label={t('chat.message')}
          description={t(`chat.rules.${role}`)}
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
                  alt={t('chat.pickedAlt', { n: i + 1, name: p.file.name })}
                  h={80}
                  w={100}
                  fit="cover"
                />
                <CloseButton size="sm" aria-label={t('chat.removePhoto', { n: i + 1 })} onClick={() => remove(i)} />
                {p.problem && limits && (
                  <Text size="xs" c="red.9" role="alert">
                    {t(`chat.photo.${p.problem}`, { mb: Math.round((limits.photo_bytes_max / 1024 / 1024) * 10) / 10 })}
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
          {limits && (
            <FileButton onChange={(files) => add(files, limits)} accept={limits.photo_types.join(',')} multiple>
              {(props) => (
                <Button {...props} variant="default" disabled={picked.length >= limits.photos_per_message_max}>
                  {t('chat.addPhotos', { max: limits.photos_per_message_max })}
                </Button>
              )}
            </FileButton>
          )}
          <Button type="submit" loading={send.isPending} disabled={empty || check.blocked || badPhoto}>
            {t('chat.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

const isHeld = (sent: unknown): boolean =>
  typeof sent === 'object' && sent !== null && (sent as { status?: unknown }).status === 'held'
