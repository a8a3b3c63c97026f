// Photos from the camera or the gallery, with previews, checked against the policy's
// count, size and type before anything is sent; the metadata removal explained.
import { Alert, Button, CloseButton, FileButton, Group, Image, Stack, Text } from '@mantine/core'
import { useEffect, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'

export interface PhotoLimits {
  photos_per_claim_max: number
  photo_bytes_max: number
  photo_types: string[]
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`

/** Why each photo cannot be sent, before any upload ([] when all may be). */
export function photoProblems(files: File[], limits: PhotoLimits, t: TFunction): string[] {
  const problems: string[] = []
  if (files.length > limits.photos_per_claim_max)
    problems.push(t('buyer.open.tooMany', { count: limits.photos_per_claim_max }))
  for (const file of files) {
    if (file.size > limits.photo_bytes_max)
      problems.push(t('buyer.open.tooLarge', { name: file.name, size: megabytes(limits.photo_bytes_max) }))
    // An empty type (some phones' HEIC) is left to the service, which reads the bytes.
    if (file.type && !limits.photo_types.includes(file.type))
      problems.push(t('buyer.open.wrongType', { name: file.name }))
  }
  return problems
}

export function PhotoPicker({
  files,
  onChange,
  limits,
  refusedIndex,
}: {
  files: File[]
  onChange: (files: File[]) => void
  limits: PhotoLimits
  refusedIndex?: number
}) {
  const { t } = useTranslation()
  const urls = useMemo(() => files.map((f) => URL.createObjectURL(f)), [files])
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls])
  const accept = limits.photo_types.join(',')
  const add = (more: File[] | File | null) => onChange([...files, ...(Array.isArray(more) ? more : more ? [more] : [])])
  const problems = photoProblems(files, limits, t)
  return (
    <Stack gap="xs">
      <Text fw={500}>{t('buyer.open.photos')}</Text>
      <Text size="sm" c="gray.7" id="photo-limits">
        {t('buyer.open.limits', { count: limits.photos_per_claim_max, size: megabytes(limits.photo_bytes_max) })}
      </Text>
      <Group gap="xs">
        <FileButton onChange={add} accept={accept} capture="environment">
          {(props) => (
            <Button variant="default" {...props}>
              {t('buyer.open.camera')}
            </Button>
          )}
        </FileButton>
        <FileButton onChange={add} accept={accept} multiple inputProps={{ 'data-testid': 'photo-input' } as object}>
          {(props) => (
            <Button variant="default" {...props}>
              {t('buyer.open.pick')}
            </Button>
          )}
        </FileButton>
      </Group>
      {files.length > 0 && (
        <Group gap="xs" component="ul" className="plain-list" aria-label={t('buyer.open.photos')}>
          {files.map((file, i) => (
            <li key={`${file.name}-${i}`} className={i === refusedIndex ? 'photo-refused' : undefined}>
              <Stack gap={2} align="center">
                <Image src={urls[i]} alt={file.name} w={88} h={88} fit="cover" radius="sm" />
                <Group gap={2} wrap="nowrap">
                  <Text size="xs" maw={64} truncate>
                    {file.name}
                  </Text>
                  <CloseButton
                    size="sm"
                    aria-label={t('buyer.open.remove', { name: file.name })}
                    onClick={() => onChange(files.filter((_, j) => j !== i))}
                  />
                </Group>
              </Stack>
            </li>
          ))}
        </Group>
      )}
      {problems.length > 0 && (
        <Alert color="red.9" variant="outline" role="alert">
          {problems.map((p) => (
            <Text size="sm" key={p}>
              {p}
            </Text>
          ))}
        </Alert>
      )}
      <Text size="sm" c="gray.7">
        {t('buyer.open.metadata')}
      </Text>
    </Stack>
  )
}
