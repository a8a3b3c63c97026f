// The audit trail: every transition, who made it and when.
import { Text, Timeline } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { useClaimEvents } from '../../../api/hooks/claims'
import { Time } from '../../../ui/format'
import { QueryView } from '../../../ui/states'
import { Section } from '../../../ui/Section'

export function TimelineSection({ claimId }: { claimId: string }) {
  const { t } = useTranslation()
  const events = useClaimEvents(claimId)
  return (
    <Section id="timeline" title={t('arbiter.case.timeline')}>
      <QueryView query={events}>
        {({ items: list }) => (
          <Timeline active={list.length - 1} bulletSize={14} lineWidth={2} data-testid="timeline">
            {list.map((e) => (
              <Timeline.Item
                key={e.seq}
                title={`${e.seq}. ${e.action}${e.from_state !== e.to_state ? ` → ${t(`state.${e.to_state}`, { defaultValue: e.to_state })}` : ''}`}
              >
                <Text size="sm">
                  {t(`roles.${e.actor.role}`, { defaultValue: e.actor.role })} {'id' in e.actor ? e.actor.id : ''} ·{' '}
                  <Time iso={e.at} />
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </QueryView>
    </Section>
  )
}
