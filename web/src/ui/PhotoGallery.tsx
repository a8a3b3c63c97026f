// A claim's photos as thumbnails; one click (or Enter) opens the lightbox over its variants,
// with the arrow keys moving between photos.
import { Box, Group, Image, Modal, SegmentedControl, Stack, Text, Button, Loader } from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { usePhotoUrl, type PhotoVariant } from '../api/hooks/photos'

export interface GalleryPhoto {
  id: string
  source?: string
}

function Thumb({ photo, n, onOpen }: { photo: GalleryPhoto; n: number; onOpen: () => void }) {
  const { t } = useTranslation()
  const url = usePhotoUrl(photo.id, 'thumb')
  return (
    <button type="button" className="thumb-button" onClick={onOpen} aria-label={t('arbiter.case.enlarge', { n })}>
      {url.data ? <img src={url.data} alt={t('arbiter.case.photoAlt', { n })} /> : <Loader size="xs" aria-hidden />}
    </button>
  )
}

function LargePhoto({ photo, n, variant }: { photo: GalleryPhoto; n: number; variant: PhotoVariant }) {
  const { t } = useTranslation()
  const url = usePhotoUrl(photo.id, variant)
  if (!url.data) return <Loader aria-label={t('common.loading')} />
  return <Image src={url.data} alt={t('arbiter.case.photoAlt', { n })} fit="contain" mah="70vh" />
}

export function PhotoGallery({ photos }: { photos: GalleryPhoto[] }) {
  const { t } = useTranslation()
  const [open, setOpen] = useState<number | null>(null)
  const [variant, setVariant] = useState<PhotoVariant>('preview')
  if (photos.length === 0) return <Text c="gray.7">{t('arbiter.case.noPhotos')}</Text>
  const current = open === null ? undefined : photos[open]
  const move = (step: number) => setOpen((i) => (i === null ? i : (i + step + photos.length) % photos.length))
  return (
    <>
      <Group gap="sm">
        {photos.map((photo, i) => (
          <Stack key={photo.id} gap={2} align="center">
            <Thumb photo={photo} n={i + 1} onOpen={() => setOpen(i)} />
            {photo.source === 'message' && (
              <Text size="xs" c="gray.7">
                {t('arbiter.case.fromMessage')}
              </Text>
            )}
          </Stack>
        ))}
      </Group>
      <Modal
        opened={current !== undefined}
        onClose={() => setOpen(null)}
        size="auto"
        centered
        title={open === null ? '' : t('arbiter.case.photoAlt', { n: open + 1 })}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <Box
          onKeyDown={(event) => {
            if (event.key === 'ArrowRight') move(1)
            if (event.key === 'ArrowLeft') move(-1)
          }}
        >
          <Stack align="center" data-testid="lightbox">
            <SegmentedControl
              aria-label={t('arbiter.case.variant')}
              value={variant}
              onChange={(value) => setVariant(value as PhotoVariant)}
              data={(['thumb', 'preview', 'full'] as const).map((v) => ({
                value: v,
                label: t(`arbiter.case.variants.${v}`),
              }))}
            />
            {current && open !== null && <LargePhoto photo={current} n={open + 1} variant={variant} />}
            {photos.length > 1 && (
              <Group>
                <Button variant="default" onClick={() => move(-1)}>
                  {t('arbiter.case.previousPhoto')}
                </Button>
                <Button variant="default" onClick={() => move(1)}>
                  {t('arbiter.case.nextPhoto')}
                </Button>
              </Group>
            )}
          </Stack>
        </Box>
      </Modal>
    </>
  )
}
