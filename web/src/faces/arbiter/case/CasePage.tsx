// One escalated claim with everything an arbiter needs to decide it.
import { Anchor, Grid, Group, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router'
import { useClaim } from '../../../api/hooks/claims'
import { QueryView } from '../../../ui/states'
import { ArbiterStatusBadge, StateBadge } from '../StatusBadge'
import { shortId } from '../TakeButton'
import { ActionsPanel } from './ActionsPanel'
import { ChatSection } from './ChatSection'
import { ClaimSection, LineSection } from './ClaimSections'
import { DeadlinesSection, OffersSection } from './OffersAndDeadlines'
import { PartiesSection } from './PartiesSection'
import { PhotosSection } from './PhotosSection'
import { TimelineSection } from './TimelineSection'

export function CasePage() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const claim = useClaim(id)
  return (
    <Stack>
      <Anchor component={Link} to="/arbiter">
        ← {t('arbiter.case.back')}
      </Anchor>
      <QueryView query={claim}>
        {(c) => (
          <Stack>
            <Group>
              <Title order={2}>{t('arbiter.case.title', { id: shortId(c.id) })}</Title>
              <StateBadge state={c.state} />
              <ArbiterStatusBadge status={c.arbiter_status} />
              <Text size="sm" c="gray.7">
                v{c.version}
              </Text>
            </Group>
            <Grid>
              <Grid.Col span={{ base: 12, md: 7 }}>
                <Stack>
                  <LineSection claim={c} />
                  <ClaimSection claim={c} />
                  <PhotosSection claim={c} />
                  <OffersSection claim={c} />
                  <ChatSection orderId={c.order_id} />
                  <TimelineSection claimId={c.id} />
                </Stack>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 5 }}>
                <Stack>
                  <ActionsPanel claim={c} onReload={() => void claim.refetch()} />
                  <DeadlinesSection claim={c} />
                  <PartiesSection claim={c} />
                </Stack>
              </Grid.Col>
            </Grid>
          </Stack>
        )}
      </QueryView>
    </Stack>
  )
}
