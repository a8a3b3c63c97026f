// The claim's chat thread, read-only for arbiters (only the buyer and the seller write in it).
import { useTranslation } from 'react-i18next'
import { OrderChat } from '../../../ui/chat/OrderChat'
import { Section } from '../../../ui/Section'

export function ChatSection({ orderId }: { orderId: string }) {
  const { t } = useTranslation()
  return (
    <Section id="chat" title={t('arbiter.case.chat')}>
      <OrderChat orderId={orderId} viewer="arbiter" />
    </Section>
  )
}
