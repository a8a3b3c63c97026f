// Development only: pick a role and a party id, get a token from POST /v1/dev/tokens,
// and enter the app exactly as a marketplace hand-over would (/#token=...).
import { Alert, Button, Container, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { useDevToken } from '../api/hooks/dev'
import { LanguageSwitch } from '../ui/LanguageSwitch'
import { ProblemAlert } from '../ui/states'
import { session } from './session'
import { ROLES, type Role } from './token'

export function DevSignInPage() {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const [role, setRole] = useState<Role>('arbiter')
  const [sub, setSub] = useState('arbiter-1')
  const mint = useDevToken()
  return (
    <Container size="sm" py="xl" component="main">
      <Paper withBorder p="xl" radius="md">
        <form
          onSubmit={(event) => {
            event.preventDefault()
            mint.mutate(
              { role, sub: sub.trim() },
              {
                onSuccess: (minted) => {
                  const started = session.begin(minted.token)
                  if (started.status === 'signed_in') void navigate(`/${started.claims.role}`, { replace: true })
                },
              },
            )
          }}
        >
          <Stack>
            <Group justify="space-between">
              <Title order={1}>{t('devSignIn.title')}</Title>
              <LanguageSwitch />
            </Group>
            <Alert color="gray.8" variant="outline">
              <Text size="sm">{t('devSignIn.intro')}</Text>
            </Alert>
            <Select
              label={t('devSignIn.role')}
              value={role}
              allowDeselect={false}
              onChange={(value) => value && setRole(value as Role)}
              data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            />
            <TextInput
              label={t('devSignIn.party')}
              description={t('devSignIn.partyHint')}
              value={sub}
              required
              onChange={(event) => setSub(event.currentTarget.value)}
            />
            {mint.error && <ProblemAlert error={mint.error} />}
            <Button type="submit" loading={mint.isPending}>
              {t('devSignIn.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Container>
  )
}
