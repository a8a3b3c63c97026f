import { Anchor, Container, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link, Navigate } from 'react-router'
import { LanguageSwitch } from '../ui/LanguageSwitch'
import { useDevSignInAvailable } from './useDevSignIn'
import { useSession } from './useSession'

export function SignedOutPage() {
  const { t } = useTranslation()
  const state = useSession()
  const devSignIn = useDevSignInAvailable()
  if (state.status === 'signed_in') return <Navigate to={`/${state.claims.role}`} replace />
  return (
    <Container size="sm" py="xl" component="main">
      <Paper withBorder p="xl" radius="md">
        <Stack>
          <Group justify="space-between">
            <Title order={1}>{t('signedOut.title')}</Title>
            <LanguageSwitch />
          </Group>
          <Text data-testid="signed-out-reason">{t(`signedOut.reason.${state.reason ?? 'none'}`)}</Text>
          {devSignIn && (
            <Anchor component={Link} to="/sign-in">
              {t('signedOut.devSignIn')}
            </Anchor>
          )}
        </Stack>
      </Paper>
    </Container>
  )
}
