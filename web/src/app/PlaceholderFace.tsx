// Sellers' and buyers' faces come next (their own route folders under faces/); until then
// a signed-in seller or buyer lands here instead of on a 404.
import { Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'

export function PlaceholderFace({ face }: { face: 'seller' | 'buyer' }) {
  const { t } = useTranslation()
  return (
    <Stack>
      <Title order={2}>{t('placeholder.title')}</Title>
      <Text>{t('placeholder.body', { face: t(`roles.${face}`) })}</Text>
    </Stack>
  )
}
