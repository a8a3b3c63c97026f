import { Anchor, Container, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'

export function NotFoundPage() {
  const { t } = useTranslation()
  return (
    <Container size="sm" py="xl" component="main">
      <Stack>
        <Title order={1}>{t('common.notFoundTitle')}</Title>
        <Text>{t('common.notFoundBody')}</Text>
        <Anchor component={Link} to="/">
          {t('common.home')}
        </Anchor>
      </Stack>
    </Container>
  )
}
