// The buyers' face: their orders, opening a claim with photos, and a claim with its chat.
import { useTranslation } from 'react-i18next'
import { Route, Routes } from 'react-router'
import { NotFoundPage } from '../../app/NotFoundPage'
import { Shell } from '../../ui/Shell'
import { ClaimPage } from './claim/ClaimPage'
import { NewClaimPage } from './open/NewClaimPage'
import { OrdersPage } from './orders/OrdersPage'

export function Face() {
  const { t } = useTranslation()
  return (
    <Routes>
      <Route element={<Shell nav={[{ to: '/buyer', label: t('buyer.nav.orders'), end: true }]} />}>
        <Route index element={<OrdersPage />} />
        <Route path="orders/:orderId/lines/:lineId/claim" element={<NewClaimPage />} />
        <Route path="claims/:id" element={<ClaimPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  )
}
