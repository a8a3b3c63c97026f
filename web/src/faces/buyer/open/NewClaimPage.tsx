// Opening a claim on one line: reason, requested resolution, a description checked as it
// is typed, photos checked before upload, all sent as one multipart request with progress.
import { Alert, Button, NativeSelect, Progress, Stack, Text, Textarea, Title } from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router'
import { useMyOrders, useOpenClaim } from '../../../api/hooks/buyer'
import { ApiProblem } from '../../../api/problem'
import { CLAIM_REASONS, CLAIM_RESOLUTIONS } from '../../../api/vocabularies'
import type { UploadProgress } from '../../../api/upload'
import { ModerationHints } from '../../../ui/ModerationHints'
import { Loading, ProblemAlert } from '../../../ui/states'
import { PhotoPicker, photoProblems } from './PhotoPicker'
import { useDraftCheck } from '../../../ui/draft/useDraftCheck'

export function NewClaimPage() {
  const { t } = useTranslation()
  const { orderId = '', lineId = '' } = useParams()
  const navigate = useNavigate()
  const orders = useMyOrders()
  const [reason, setReason] = useState<string>('defect')
  const [resolution, setResolution] = useState<string>('refund')
  const [description, setDescription] = useState('')
  const [photos, setPhotos] = useState<File[]>([])
  const [progress, setProgress] = useState<UploadProgress | null>(null)
  const open = useOpenClaim(setProgress)
  const { verdict, checking } = useDraftCheck(description, 'buyer')

  if (orders.error) return <ProblemAlert error={orders.error} onRetry={() => void orders.refetch()} />
  if (!orders.data) return <Loading />
  const limits = orders.data.pages[0]!.claim_limits
  const order = orders.data.pages.flatMap((p) => p.items).find((o) => o.id === orderId)
  const line = order?.lines.find((l) => l.id === lineId)
  const needsPhotos = limits.photo_reasons.includes(reason) && photos.length < limits.defect_photos_min
  const blocked = verdict?.verdict === 'block'
  const photoIssues = photoProblems(photos, limits, t)
  const refused = open.error instanceof ApiProblem ? open.error : null
  const refusedIndex = typeof refused?.body.photo_index === 'number' ? refused.body.photo_index : undefined
  const canSend = description.trim().length > 0 && !needsPhotos && !blocked && photoIssues.length === 0

  const submit = (e: React.FormEvent) => {
    e.preventDefault()
    if (!canSend || open.isPending) return
    setProgress(null)
    open.mutate(
      { order_id: orderId, line_id: lineId, reason, requested_resolution: resolution, description, photos },
      { onSuccess: (claim) => void navigate(`/buyer/claims/${claim.id}`) },
    )
  }

  return (
    <Stack gap="md" maw={640} mx="auto" component="form" onSubmit={submit}>
      <Title order={2}>{t('buyer.open.title')}</Title>
      <Text>
        {t('buyer.open.line')}: <strong>{line?.title ?? lineId}</strong> ({line?.sku})
      </Text>
      <NativeSelect
        label={t('buyer.open.reason')}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        data={CLAIM_REASONS.map((r) => ({ value: r, label: t(`reason.${r}`) }))}
      />
      <NativeSelect
        label={t('buyer.open.resolution')}
        value={resolution}
        onChange={(e) => setResolution(e.currentTarget.value)}
        data={CLAIM_RESOLUTIONS.map((r) => ({ value: r, label: t(`resolution.${r}`) }))}
      />
      <Stack gap={4}>
        <Textarea
          label={t('buyer.open.description')}
          description={t('buyer.open.descriptionHint')}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          autosize
          minRows={3}
          maxLength={2000}
          required
          aria-describedby="description-check"
        />
        <div id="description-check" aria-live="polite" data-testid="description-check">
          {checking ? (
            <Text size="sm" c="gray.7">
              {t('buyer.open.checking')}
            </Text>
          ) : verdict?.verdict === 'deliver' ? (
            <Text size="sm" fw={600}>
              {t('buyer.open.descriptionOk')}
            </Text>
          ) : verdict && verdict.violations.length > 0 ? (
            <Stack gap={2}>
              {verdict.verdict === 'review' && (
                <Text size="sm" fw={600}>
                  {t('buyer.open.descriptionReview')}
                </Text>
              )}
              {verdict.violations.map((v, i) => (
                <Text size="sm" c={verdict.verdict === 'block' ? 'red.9' : 'gray.8'} key={`${v.rule}-${i}`}>
                  {v.excerpt ? `«${v.excerpt}»: ` : ''}
                  {v.hint}
                </Text>
              ))}
            </Stack>
          ) : null}
        </div>
        <ModerationHints error={open.error} id="description-refused" />
      </Stack>
      <PhotoPicker files={photos} onChange={setPhotos} limits={limits} refusedIndex={refusedIndex} />
      {limits.photo_reasons.includes(reason) && (
        <Text size="sm" c={needsPhotos ? 'red.9' : 'gray.7'} data-testid="photos-needed">
          {t('buyer.open.photosNeeded', { count: limits.defect_photos_min })}
        </Text>
      )}
      {open.isPending && progress && (
        <Stack gap={2}>
          <Text size="sm">
            {t('buyer.open.uploading', { percent: Math.round((100 * progress.loaded) / progress.total) })}
          </Text>
          <Progress
            value={(100 * progress.loaded) / progress.total}
            aria-label={t('buyer.open.uploading', { percent: Math.round((100 * progress.loaded) / progress.total) })}
          />
        </Stack>
      )}
      {refused && refused.slug !== 'message-blocked' && (
        <Alert color="red.9" variant="outline" role="alert" title={t('buyer.open.refused')} data-testid="claim-refused">
          <Text size="sm" fw={600}>
            {refused.title}
          </Text>
          {refused.detail && (
            <Text size="sm">
              {refusedIndex !== undefined ? t('buyer.open.refusedPhoto', { detail: refused.detail }) : refused.detail}
            </Text>
          )}
          <Text size="sm">{t('buyer.open.nothingCreated')}</Text>
        </Alert>
      )}
      <Button type="submit" disabled={!canSend} loading={open.isPending}>
        {t('buyer.open.send')}
      </Button>
      <Button component={Link} to="/buyer" variant="subtle">
        {t('buyer.open.back')}
      </Button>
    </Stack>
  )
}
