// The description checked as it is typed: POST /v1/moderation/check, 600 ms after the last key.
// A verdict is kept with the text it was for, so an older answer never describes newer text.
import { useEffect, useState } from 'react'
import { useModerationCheck } from '../../../api/hooks/moderation'
import type { ModerationVerdict } from '../../../api/types'

export function useDraftCheck(text: string): { verdict: ModerationVerdict | null; checking: boolean } {
  const check = useModerationCheck()
  const [checked, setChecked] = useState<{ text: string; verdict: ModerationVerdict } | null>(null)
  const { mutateAsync } = check
  const trimmed = text.trim().slice(0, 1000)
  useEffect(() => {
    if (trimmed.length === 0) return
    let current = true
    const timer = setTimeout(() => {
      mutateAsync({ text: trimmed, sender_role: 'buyer' })
        .then((verdict) => current && setChecked({ text: trimmed, verdict }))
        .catch(() => undefined)
    }, 600)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [trimmed, mutateAsync])
  return { verdict: checked?.text === trimmed && trimmed ? checked.verdict : null, checking: check.isPending }
}
