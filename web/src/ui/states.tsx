// Loading, empty and error states, the same on every page. Errors show the problem's
// title and detail as the API wrote them.
import { Alert, Button, Center, Group, Loader, Text } from '@mantine/core'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiProblem, isProblem } from '../api/problem'

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation()
  return (
    <Center py="lg" role="status" aria-live="polite">
      <Group gap="xs">
        <Loader size="sm" aria-hidden />
        <Text>{label ?? t('common.loading')}</Text>
      </Group>
    </Center>
  )
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text py="md" c="gray.7">
      {children}
    </Text>
  )
}

export function ProblemAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation()
  const problem = error instanceof ApiProblem ? error : null
  return (
    <Alert color="red.9" variant="outline" title={problem?.title ?? t('common.networkError')} role="alert">
      {problem?.detail && <Text size="sm">{problem.detail}</Text>}
      {!problem && error instanceof Error && <Text size="sm">{error.message}</Text>}
      {onRetry && (
        <Button mt="sm" size="xs" variant="outline" color="red.9" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </Alert>
  )
}

/** A 409 stale-version: someone acted first; offer the fresh claim. */
export function StaleVersion({ onReload }: { onReload: () => void }) {
  const { t } = useTranslation()
  return (
    <Alert color="orange.9" variant="outline" title={t('problem.staleTitle')} role="alert">
      <Text size="sm">{t('problem.staleBody')}</Text>
      <Button mt="sm" size="xs" color="orange.9" onClick={onReload}>
        {t('problem.staleReload')}
      </Button>
    </Alert>
  )
}

/** What to show for a failed write: the stale-version offer, or the problem itself. */
export function WriteError({ error, onReload }: { error: unknown; onReload: () => void }) {
  if (!error) return null
  if (isProblem(error, 'stale-version')) return <StaleVersion onReload={onReload} />
  if (isProblem(error, 'message-blocked')) return null // shown beside the field it concerns
  return <ProblemAlert error={error} />
}

interface QueryLike<T> {
  data: T | undefined
  error: unknown
  isPending: boolean
  refetch: () => unknown
}

/** Renders a query's loading and error states, then `children` with its data. */
export function QueryView<T>({ query, children }: { query: QueryLike<T>; children: (data: T) => ReactNode }) {
  if (query.data !== undefined) return <>{children(query.data)}</>
  if (query.error) return <ProblemAlert error={query.error} onRetry={() => void query.refetch()} />
  return <Loading />
}
