// Notifications with a named close button (axe: button-name) in the current language.
import { notifications } from '@mantine/notifications'
import i18n from '../i18n'

type Tone = 'success' | 'warning' | 'error'
const COLORS: Record<Tone, string> = { success: 'teal.9', warning: 'orange.9', error: 'red.9' }

export function notify(tone: Tone, message: string, title?: string) {
  notifications.show({
    color: COLORS[tone],
    message,
    ...(title ? { title } : {}),
    closeButtonProps: { 'aria-label': i18n.t('common.close') },
  })
}
