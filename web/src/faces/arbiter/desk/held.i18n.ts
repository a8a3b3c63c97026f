// The desk's words for held messages (policy moderation_review = hold, docs/moderation.md#held-for-review),
// merged into the app's translations when the desk loads.
import i18n from 'i18next'

const en = {
  message: 'Message',
  status: { delivered: 'Delivered', held: 'Held: not delivered', withheld: 'Withheld' },
  outcome: {
    held: {
      confirm: 'Confirm: withheld for good, violations recorded',
      dismiss: 'Dismiss: delivered to the other party now',
    },
    delivered: { confirm: 'Confirm: violations recorded', dismiss: 'Dismiss: nothing recorded' },
  },
}

const ru: typeof en = {
  message: 'Сообщение',
  status: { delivered: 'Доставлено', held: 'Задержано: не доставлено', withheld: 'Не доставлено' },
  outcome: {
    held: {
      confirm: 'Подтвердить: не будет доставлено, нарушения учтены',
      dismiss: 'Отклонить: сразу доставить собеседнику',
    },
    delivered: { confirm: 'Подтвердить: нарушения учтены', dismiss: 'Отклонить: ничего не учитывается' },
  },
}

i18n.addResourceBundle('en', 'translation', { arbiter: { desk: { held: en } } }, true, false)
i18n.addResourceBundle('ru', 'translation', { arbiter: { desk: { held: ru } } }, true, false)
