// Paging over the API's cursors: the cursors walked so far (page N is opened by the N-1th),
// "Page N" and previous / next. A cursor belongs to the filters it was issued for: reset on a change.
import { Button, Group, Text } from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'

export function useCursorPages() {
  const [cursors, setCursors] = useState<string[]>([])
  return {
    /** The cursor of the page shown (undefined on the first). */
    cursor: cursors.at(-1),
    number: cursors.length + 1,
    next: (cursor: string) => setCursors((c) => [...c, cursor]),
    previous: () => setCursors((c) => c.slice(0, -1)),
    reset: () => setCursors([]),
  }
}

export type CursorPages = ReturnType<typeof useCursorPages>

export function CursorPager({ pages, nextCursor }: { pages: CursorPages; nextCursor: string | null | undefined }) {
  const { t } = useTranslation()
  return (
    <Group justify="space-between">
      <Text size="sm">{t('common.page', { page: pages.number })}</Text>
      <Group>
        <Button variant="default" disabled={pages.number === 1} onClick={pages.previous}>
          {t('common.previous')}
        </Button>
        <Button variant="default" disabled={!nextCursor} onClick={() => nextCursor && pages.next(nextCursor)}>
          {t('common.next')}
        </Button>
      </Group>
    </Group>
  )
}
