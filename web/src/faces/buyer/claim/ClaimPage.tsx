// A claim as its buyer sees it: the state in plain words with its deadline, the offers,
// the actions the claim allows now (withdraw behind a confirmation), and the chat beside it.
import { Badge, Button, Card, Grid, Group, Modal, Stack, Text, TextInput, Textarea, Title } from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams } from 'react-router'
import { useClaim, useClaimAction } from '../../../api/hooks/claims'
import { useProvideInfo } from '../../../api/hooks/buyer'
import { usePhotoLimits } from '../../../api/hooks/orders'
import type { Claim, ClaimActionBody } from '../../../api/types'
import { formatMoney } from '../../../format/money'
import { formatTime } from '../../../format/time'
import { OrderChat } from '../../../ui/chat/OrderChat'
import { PhotoGallery } from '../../../ui/PhotoGallery'
import { Section } from '../../../ui/Section'
import { Loading, ProblemAlert } from '../../../ui/states'
import { PhotoPicker } from '../open/PhotoPicker'

export function ClaimPage() {
  const { id = '' } = useParams()
  const claim = useClaim(id)
  if (claim.error) return <ProblemAlert error={claim.error} onRetry={() => void claim.refetch()} />
  if (!claim.data) return <Loading />
  return <ClaimView claim={claim.data} />
}

function ClaimView({ claim }: { claim: Claim }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const due = claim.deadlines.map((d) => d.due_at).sort()[0]
  const date = due ? formatTime(due, lang) : t('buyer.claim.noDate')
  return (
    <Grid gutter="md" maw={1200} mx="auto">
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Stack gap="md">
          <Title order={2}>{t('buyer.claim.title', { sku: claim.sku })}</Title>
          <Card withBorder padding="sm" data-testid="claim-state">
            <Group gap="xs">
              <Badge color="gray.8" variant="filled" tt="none">
                {t(`state.${claim.state}`, { defaultValue: claim.state })}
              </Badge>
            </Group>
            <Text mt="xs" fw={600}>
              {t(`buyer.claim.state.${claim.state}`, { date, defaultValue: claim.state })}
            </Text>
          </Card>
          <Stack gap={2}>
            <Text size="sm">
              {t('buyer.claim.line', { sku: claim.sku, amount: formatMoney(claim.line_total, claim.currency, lang) })}
            </Text>
            <Text size="sm">
              {t('buyer.claim.yourRequest')}: {t(`reason.${claim.reason}`)} →{' '}
              {t(`resolution.${claim.requested_resolution}`)}
            </Text>
            <Text size="sm" c="gray.8">
              {claim.description}
            </Text>
          </Stack>
          {claim.offers.length > 0 && <Offers claim={claim} />}
          <Actions claim={claim} />
          {claim.photos.length > 0 && (
            <Stack gap="xs">
              <Title order={3} size="h4">
                {t('buyer.claim.photos')}
              </Title>
              <PhotoGallery photos={claim.photos} />
            </Stack>
          )}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Section id="chat" title={t('buyer.claim.chat')}>
          <OrderChat orderId={claim.order_id} viewer="buyer" compact />
        </Section>
      </Grid.Col>
    </Grid>
  )
}

function Offers({ claim }: { claim: Claim }) {
  const { t, i18n } = useTranslation()
  return (
    <Stack gap="xs" data-testid="offers">
      <Title order={3} size="h4">
        {t('buyer.claim.offers')}
      </Title>
      {claim.offers.map((o) => (
        <Text key={o.n} size="sm">
          {t(`buyer.claim.offer.${o.kind}`, {
            amount: o.amount === null ? '' : formatMoney(o.amount, claim.currency, i18n.language),
            part: o.part ?? '',
          })}{' '}
          — {t(`buyer.claim.offerStatus.${o.status}`)}
        </Text>
      ))}
    </Stack>
  )
}

function Actions({ claim }: { claim: Claim }) {
  const { t } = useTranslation()
  const act = useClaimAction(claim.id)
  const allowed = new Set(claim.allowed_actions)
  const [confirmWithdraw, setConfirmWithdraw] = useState(false)
  const [tracking, setTracking] = useState('')
  const [escalateComment, setEscalateComment] = useState('')
  const send = (body: Omit<ClaimActionBody, 'expected_version'>) =>
    act.mutate({ ...body, expected_version: claim.version } as ClaimActionBody)
  return (
    <Stack gap="sm">
      {act.error ? <ProblemAlert error={act.error} /> : null}
      {allowed.has('accept_offer') && (
        <Group gap="xs" grow>
          <Button loading={act.isPending} onClick={() => send({ action: 'accept_offer' })}>
            {t('buyer.claim.accept')}
          </Button>
          {allowed.has('decline_offer') && (
            <Button variant="default" loading={act.isPending} onClick={() => send({ action: 'decline_offer' })}>
              {t('buyer.claim.decline')}
            </Button>
          )}
        </Group>
      )}
      {allowed.has('ship_return') && (
        <Group gap="xs" align="end">
          <TextInput
            label={t('buyer.claim.tracking')}
            value={tracking}
            onChange={(e) => setTracking(e.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Button
            disabled={tracking.trim() === ''}
            loading={act.isPending}
            onClick={() => send({ action: 'ship_return', tracking: tracking.trim() } as never)}
          >
            {t('buyer.claim.shipReturn')}
          </Button>
        </Group>
      )}
      {allowed.has('confirm_receipt') && (
        <Button loading={act.isPending} onClick={() => send({ action: 'confirm_receipt' })}>
          {t('buyer.claim.confirmReceipt')}
        </Button>
      )}
      {allowed.has('provide_info') && <ProvideInfo claim={claim} />}
      {allowed.has('escalate') && (
        <Stack gap="xs">
          <Textarea
            label={t('buyer.claim.escalateComment')}
            value={escalateComment}
            onChange={(e) => setEscalateComment(e.currentTarget.value)}
          />
          <Button
            variant="outline"
            loading={act.isPending}
            onClick={() =>
              send({ action: 'escalate', ...(escalateComment.trim() ? { comment: escalateComment.trim() } : {}) })
            }
          >
            {t('buyer.claim.escalate')}
          </Button>
        </Stack>
      )}
      {allowed.has('withdraw') && (
        <>
          <Button variant="outline" color="red.9" onClick={() => setConfirmWithdraw(true)}>
            {t('buyer.claim.withdraw')}
          </Button>
          <Modal
            opened={confirmWithdraw}
            onClose={() => setConfirmWithdraw(false)}
            title={t('buyer.claim.withdraw')}
            closeButtonProps={{ 'aria-label': t('common.close') }}
          >
            <Text>{t('buyer.claim.withdrawConfirm')}</Text>
            <Group mt="md" justify="end">
              <Button variant="default" onClick={() => setConfirmWithdraw(false)}>
                {t('common.cancel')}
              </Button>
              <Button
                color="red.9"
                onClick={() => {
                  setConfirmWithdraw(false)
                  send({ action: 'withdraw' })
                }}
              >
                {t('buyer.claim.withdrawYes')}
              </Button>
            </Group>
          </Modal>
        </>
      )}
    </Stack>
  )
}

function ProvideInfo({ claim }: { claim: Claim }) {
  const { t } = useTranslation()
  const [text, setText] = useState('')
  const [photos, setPhotos] = useState<File[]>([])
  const provide = useProvideInfo(claim.id, () => {})
  const policy = usePhotoLimits()
  if (policy.error) return <ProblemAlert error={policy.error} onRetry={() => void policy.refetch()} />
  if (!policy.data) return <Loading />
  // A claim holds at most photos_per_claim_max of its own photos, those sent with it included.
  const own = claim.photos.filter((p) => p.source === 'claim').length
  const limits = { ...policy.data, photos_per_claim_max: Math.max(0, policy.data.photos_per_claim_max - own) }
  return (
    <Stack gap="xs">
      <Textarea label={t('buyer.claim.infoText')} value={text} onChange={(e) => setText(e.currentTarget.value)} />
      <PhotoPicker files={photos} onChange={setPhotos} limits={limits} />
      {provide.error ? <ProblemAlert error={provide.error} /> : null}
      <Button
        disabled={text.trim() === ''}
        loading={provide.isPending}
        onClick={() => provide.mutate({ text: text.trim(), version: claim.version, photos })}
      >
        {t('buyer.claim.provideInfo')}
      </Button>
    </Stack>
  )
}
