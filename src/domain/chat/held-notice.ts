// What the sender of a held message is told (docs/moderation.md#held-for-review),
// in the language the request asks for, like the hints.
import type { HintLanguage } from '../moderation/engine/hints.js'

const HELD_NOTICE: Record<HintLanguage, string> = {
  ru:
    'Сообщение сохранено, но пока не доставлено: модерация не уверена в нём, и его проверит арбитр. ' +
    'Собеседник увидит сообщение, если арбитр его одобрит; если арбитр подтвердит нарушение, сообщение ' +
    'доставлено не будет и нарушение будет учтено.',
  en:
    'Your message is saved but not delivered yet: moderation is unsure about it, and an arbiter will review it. ' +
    'The other party will see it if the arbiter approves it; if the arbiter confirms a violation, it will not ' +
    'be delivered and the violation will be recorded.',
}

export function heldNotice(lang: HintLanguage): string {
  return HELD_NOTICE[lang]
}
