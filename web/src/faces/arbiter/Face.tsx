// The arbiters' workbench: the queue, a case, the moderation desk.
import { Route, Routes } from 'react-router'
import { useTranslation } from 'react-i18next'
import { NotFoundPage } from '../../app/NotFoundPage'
import { Shell } from '../../ui/Shell'
import { CasePage } from './case/CasePage'
import { ModerationDesk } from './desk/ModerationDesk'
import { QueuePage } from './queue/QueuePage'

export function Face() {
  const { t } = useTranslation()
  const nav = [
    { to: '/arbiter', label: t('arbiter.nav.queue'), end: true },
    { to: '/arbiter/moderation', label: t('arbiter.nav.moderation') },
  ]
  return (
    <Routes>
      <Route element={<Shell nav={nav} />}>
        <Route index element={<QueuePage />} />
        <Route path="claims/:id" element={<CasePage />} />
        <Route path="moderation" element={<ModerationDesk />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  )
}
