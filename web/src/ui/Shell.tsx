// The frame of every signed-in face: a header with the face's navigation, the
// language switch and who is signed in; the page below in <main>.
import { Anchor, AppShell, Button, Group, Text, Title } from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { NavLink, Outlet } from 'react-router'
import { session } from '../auth/session'
import { useSignedIn } from '../auth/useSession'
import { LanguageSwitch } from './LanguageSwitch'

export interface NavItem {
  to: string
  label: string
  end?: boolean
}

export function Shell({ nav, children }: { nav: NavItem[]; children?: ReactNode }) {
  const { t } = useTranslation()
  const claims = useSignedIn()
  const client = useQueryClient()
  return (
    <AppShell header={{ height: 60 }} padding="md">
      <Anchor href="#main" className="skip-link">
        {t('app.skip')}
      </Anchor>
      <AppShell.Header px={{ base: 'xs', sm: 'md' }}>
        {/* One row at every width: on a phone the title shrinks and a long navigation scrolls sideways, so
            the language switch and sign-out always stay in view. */}
        <Group h="100%" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="sm" wrap="nowrap" className="shell-start">
            <Title order={1} className="shell-title">
              {t('app.name')}
            </Title>
            <nav aria-label={t('app.name')} className="shell-nav">
              <Group gap={4} wrap="nowrap">
                {nav.map((item) => (
                  <NavLink key={item.to} to={item.to} end={item.end} className="nav-link">
                    {item.label}
                  </NavLink>
                ))}
              </Group>
            </nav>
          </Group>
          <Group gap="xs" wrap="nowrap" className="shell-end">
            <LanguageSwitch />
            {/* Who is signed in shows from sm up; a phone keeps the navigation, the language and sign-out. */}
            <Text size="sm" data-testid="signed-in-as" visibleFrom="sm">
              {t('app.signedInAs', { role: t(`roles.${claims.role}`), sub: claims.sub })}
            </Text>
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                client.clear()
                session.end('signed_out')
              }}
            >
              {t('app.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main id="main" tabIndex={-1}>
        {children ?? <Outlet />}
      </AppShell.Main>
    </AppShell>
  )
}
