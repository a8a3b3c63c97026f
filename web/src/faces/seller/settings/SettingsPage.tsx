// The seller's settings: pre-sale questions, official domains, webhooks.
import { Stack, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { DomainsSection } from './DomainsSection'
import { PresaleSection } from './PresaleSection'
import { WebhooksSection } from './WebhooksSection'

export function SettingsPage() {
  const { t } = useTranslation()
  return (
    <Stack>
      <Title order={2}>{t('seller.settings.title')}</Title>
      <PresaleSection />
      <DomainsSection />
      <WebhooksSection />
    </Stack>
  )
}
