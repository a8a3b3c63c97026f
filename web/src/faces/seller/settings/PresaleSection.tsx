// The pre-sale chat switch; claim threads stay open whatever it says.
import { Switch, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { useChatSettings, useSetPresale } from '../../../api/hooks/seller-settings'
import { ProblemAlert, QueryView } from '../../../ui/states'
import { Section } from '../../arbiter/case/Section'

export function PresaleSection() {
  const { t } = useTranslation()
  const settings = useChatSettings()
  const set = useSetPresale()
  return (
    <Section id="presale" title={t('seller.settings.presale')}>
      <QueryView query={settings}>
        {(data) => (
          <Switch
            label={t('seller.settings.presaleSwitch')}
            description={t('seller.settings.presaleHint')}
            checked={set.isPending ? !data.presale_questions : data.presale_questions}
            disabled={set.isPending}
            onChange={(e) => set.mutate(e.currentTarget.checked)}
            data-testid="presale-switch"
          />
        )}
      </QueryView>
      <Text size="sm" c="gray.7">
        {t('seller.settings.claimThreadsOpen')}
      </Text>
      {set.error !== null && <ProblemAlert error={set.error} />}
    </Section>
  )
}
