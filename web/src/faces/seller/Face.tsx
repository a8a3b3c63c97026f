// The sellers' desk: claims, a claim with its decision panel, chat, statistics, violations, settings.
import './seller.css'
import { lazy, Suspense } from 'react'
import { Route, Routes } from 'react-router'
import { useTranslation } from 'react-i18next'
import { NotFoundPage } from '../../app/NotFoundPage'
import { Shell } from '../../ui/Shell'
import { Loading } from '../../ui/states'
import { ChatPage } from './chat/ChatPage'
import { ThreadPage } from './chat/ThreadPage'
import { ClaimPage } from './claim/ClaimPage'
import { ClaimsPage } from './claims/ClaimsPage'
import { SettingsPage } from './settings/SettingsPage'
import { ViolationsPage } from './violations/ViolationsPage'

// The chart kit (recharts) is most of the statistics' weight: loaded only when that page opens.
const StatsPage = lazy(() => import('./stats/StatsPage').then((m) => ({ default: m.StatsPage })))

export function Face() {
  const { t } = useTranslation()
  const nav = [
    { to: '/seller', label: t('seller.nav.claims'), end: true },
    { to: '/seller/chat', label: t('seller.nav.chat') },
    { to: '/seller/stats', label: t('seller.nav.stats') },
    { to: '/seller/violations', label: t('seller.nav.violations') },
    { to: '/seller/settings', label: t('seller.nav.settings') },
  ]
  return (
    <Routes>
      <Route element={<Shell nav={nav} />}>
        <Route index element={<ClaimsPage />} />
        <Route path="claims/:id" element={<ClaimPage />} />
        <Route path="chat" element={<ChatPage />} />
        <Route path="chat/:threadId" element={<ThreadPage />} />
        <Route
          path="stats"
          element={
            <Suspense fallback={<Loading />}>
              <StatsPage />
            </Suspense>
          }
        />
        <Route path="violations" element={<ViolationsPage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  )
}
