// A free-text field checked as it is typed: the check's hints below it, and, when a send
// was refused anyway (422 message-blocked), the server's reasons; the draft stays either way.
import { Text, Textarea, type TextareaProps } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { ModerationVerdict } from '../../api/types'
import { blockedViolations, ViolationList } from '../ModerationHints'

interface Props extends Omit<TextareaProps, 'value' | 'onChange' | 'error'> {
  id: string
  value: string
  onChange: (value: string) => void
  verdict: ModerationVerdict | undefined
  /** The last send's error: a message-blocked problem is shown here, beside the text. */
  sendError: unknown
}

export function DraftField({ id, value, onChange, verdict, sendError, ...field }: Props) {
  const { t } = useTranslation()
  const refused = blockedViolations(sendError)
  const hints = refused ?? (verdict && verdict.verdict !== 'deliver' ? verdict.violations : [])
  const blocked = refused !== null || verdict?.verdict === 'block'
  const hintsId = `${id}-hints`
  return (
    <div>
      <Textarea
        {...field}
        id={id}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        autosize
        minRows={field.minRows ?? 2}
        error={blocked ? (refused ? t('draft.refused') : t('draft.wouldBlock')) : undefined}
        aria-describedby={hints.length > 0 ? hintsId : undefined}
      />
      {hints.length > 0 && (
        <div id={hintsId} role={refused ? 'alert' : 'status'} data-testid="draft-hints">
          <Text size="sm" fw={600} c={blocked ? 'red.9' : 'dark.7'}>
            {refused
              ? t('draft.refusedTitle')
              : blocked
                ? t('draft.blockTitle')
                : verdict?.held
                  ? t('draft.heldTitle')
                  : t('draft.reviewTitle')}
          </Text>
          <ViolationList violations={hints} color={blocked ? 'red.9' : 'dark.7'} />
        </div>
      )}
    </div>
  )
}
