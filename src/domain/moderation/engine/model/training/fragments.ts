// The shape of a language's fragment set (fragments.ru.ts, fragments.en.ts).
import type { ModerationRule } from '../../../../../config/policy.js'
import type { Slots } from './template.js'

/** A fragment template; "S:" or "B:" in front pins the sender role. */
export type FragmentEntry = string | { t: string; also: ModerationRule[] }

/** Rule categories, plus clean hard negatives and clean filler per role. */
export type Category = ModerationRule | 'hard' | 'filler_buyer' | 'filler_seller'

export interface FragmentSet {
  slots: Slots
  fragments: Record<Category, FragmentEntry[]>
}
