import { Paper, Stack, Title } from '@mantine/core'
import type { ReactNode } from 'react'

/** A titled part of the case view (a region landmark named by its heading). */
export function Section({ title, children, id }: { title: string; children: ReactNode; id: string }) {
  return (
    <Paper withBorder p="md" radius="sm" component="section" aria-labelledby={`${id}-title`}>
      <Stack gap="sm">
        <Title order={3} size="h4" id={`${id}-title`}>
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  )
}
