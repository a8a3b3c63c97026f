// A message's delivery status (policy moderation_review = hold) in the colours every face uses
// for it: held in yellow, withheld in red, delivered in grey. The face gives the words.
import { Badge } from '@mantine/core'
import type { ReactNode } from 'react'

const COLORS: Record<string, string> = { held: 'yellow.4', withheld: 'red.9', delivered: 'gray.8' }

export function MessageStatusBadge({ status, children }: { status: string; children: ReactNode }) {
  return (
    <Badge
      color={COLORS[status] ?? 'gray.8'}
      autoContrast
      variant="filled"
      radius="sm"
      tt="none"
      data-testid="message-status"
    >
      {children}
    </Badge>
  )
}
