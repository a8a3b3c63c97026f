import { Anchor, List, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import type { Claim } from '../../../api/types'
import { PhotoGallery } from '../../../ui/PhotoGallery'
import { shortId } from '../TakeButton'
import { Section } from '../../../ui/Section'

export function PhotosSection({ claim }: { claim: Claim }) {
  const { t } = useTranslation()
  // Reuse flags are in the arbiters' view only.
  const reuse = 'photo_reuse' in claim ? claim.photo_reuse : []
  const number = (photoId: string) => claim.photos.findIndex((p) => p.id === photoId) + 1
  return (
    <Section id="photos" title={t('arbiter.case.photos')}>
      <PhotoGallery photos={claim.photos} />
      <Text fw={600}>{t('arbiter.case.reuse')}</Text>
      {reuse.length === 0 ? (
        <Text c="gray.7">{t('arbiter.case.noReuse')}</Text>
      ) : (
        <List data-testid="photo-reuse">
          {reuse.map((flag) => (
            <List.Item key={flag.photo_id}>
              {t('arbiter.case.reuseItem', { n: number(flag.photo_id) })}{' '}
              {flag.other_claim_ids.map((other, i) => (
                <span key={other}>
                  {i > 0 && ', '}
                  <Anchor component={Link} to={`/arbiter/claims/${other}`}>
                    {shortId(other)}
                  </Anchor>
                </span>
              ))}{' '}
              ({t('arbiter.case.reuseDistance', { distance: flag.distance })})
            </List.Item>
          ))}
        </List>
      )}
    </Section>
  )
}
