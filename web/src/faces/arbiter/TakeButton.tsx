// One-click take. Of two arbiters taking at once one wins; the other is told who has it.
import { Button, Text } from '@mantine/core'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../api/client'
import { keys } from '../../api/hooks/keys'
import { ApiProblem, unwrap } from '../../api/problem'
import type { Claim } from '../../api/types'
import { notify } from '../../ui/notify'

export function TakeButton({
  claim,
  label,
  onLost,
}: {
  claim: Pick<Claim, 'id' | 'version'>
  label?: string
  /** Who took the claim first; the caller keeps showing it once this button is gone. */
  onLost?: (who: string) => void
}) {
  const { t } = useTranslation()
  const client = useQueryClient()
  const [lostTo, setLostTo] = useState<string | null>(null)
  const take = useMutation({
    mutationFn: () =>
      unwrap<Claim>(
        api.POST('/v1/claims/{id}/actions', {
          params: { path: { id: claim.id } },
          body: { action: 'take', expected_version: claim.version },
        }),
      ),
    onSuccess: (fresh) => {
      client.setQueryData(keys.claim(fresh.id), fresh)
      void client.invalidateQueries({ queryKey: keys.queueAll })
      void client.invalidateQueries({ queryKey: keys.claimEvents(fresh.id) })
      notify('success', t('arbiter.queue.taken', { id: shortId(fresh.id) }))
    },
    onError: async (error) => {
      if (!(error instanceof ApiProblem) || error.status !== 409) {
        notify('error', error.message, error instanceof ApiProblem ? error.title : undefined)
        return
      }
      // Someone moved the claim first: read who has it now.
      const fresh = await client.fetchQuery({
        queryKey: keys.claim(claim.id),
        queryFn: () => unwrap<Claim>(api.GET('/v1/claims/{id}', { params: { path: { id: claim.id } } })),
        staleTime: 0,
      })
      const who = fresh.escalation?.assignee ?? '?'
      setLostTo(who)
      onLost?.(who)
      void client.invalidateQueries({ queryKey: keys.queueAll })
      notify('warning', t('arbiter.queue.lost', { who }), t('arbiter.queue.lostTitle'))
    },
  })
  if (lostTo !== null) return <LostTake who={lostTo} />
  return (
    <Button
      size="xs"
      loading={take.isPending}
      onClick={() => take.mutate()}
      aria-label={label ?? t('arbiter.queue.takeLabel', { id: shortId(claim.id) })}
    >
      {t('arbiter.queue.take')}
    </Button>
  )
}

export function LostTake({ who }: { who: string }) {
  const { t } = useTranslation()
  return (
    <Text size="sm" role="status" data-testid="take-lost">
      {t('arbiter.queue.lost', { who })}
    </Text>
  )
}

export const shortId = (id: string) => id.slice(0, 8)
