// The seller's decision panel: exactly the claim's allowed_actions, each as its form. Free
// texts are checked as they are typed; a refused send keeps the draft and says why.
import { Accordion, Button, NumberInput, Radio, Select, Stack, Text, TextInput, Textarea } from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { useClaimAction } from '../../../api/hooks/claims'
import type { Claim, ClaimActionBody } from '../../../api/types'
import { currencyDigits, formatMoney, toMajor, toMinor } from '../../../format/money'
import { notify } from '../../../ui/notify'
import { WriteError } from '../../../ui/states'
import { Section } from '../../../ui/Section'
import { REJECT_REASONS, SELLER_ACTIONS, type SellerAction } from '../../../api/vocabularies'
import { DraftField } from '../../../ui/draft/DraftField'
import { useDraftCheck } from '../../../ui/draft/useDraftCheck'

type WithoutVersion<T> = T extends unknown ? Omit<T, 'expected_version'> : never
type Body = WithoutVersion<ClaimActionBody>

interface FormProps {
  claim: Claim
  onReload: () => void
}

const FORMS: Record<SellerAction, (props: FormProps) => ReactNode> = {
  request_info: RequestInfoForm,
  approve_refund: ApproveRefundForm,
  offer_compensation: CompensationForm,
  offer_partial_delivery: PartialDeliveryForm,
  offer_replacement: (p) => <ConfirmOnly {...p} body={{ action: 'offer_replacement' }} name="offer_replacement" />,
  offer_repair: (p) => <ConfirmOnly {...p} body={{ action: 'offer_repair' }} name="offer_repair" />,
  reject: RejectForm,
  confirm_shipment: ShipmentForm,
  confirm_return_received: (p) => (
    <ConfirmOnly {...p} body={{ action: 'confirm_return_received' }} name="confirm_return_received" />
  ),
  report_abuse: ReportAbuseForm,
}

export function DecisionPanel({ claim, onReload }: FormProps) {
  const { t } = useTranslation()
  const allowed = SELLER_ACTIONS.filter((a) => claim.allowed_actions.includes(a))
  return (
    <Section id="decision" title={t('seller.decision.title')}>
      {allowed.length === 0 ? (
        <Text c="gray.7">{t('seller.decision.none')}</Text>
      ) : (
        <Accordion variant="separated" data-testid="decision-panel">
          {allowed.map((action) => {
            const Form = FORMS[action]
            return (
              <Accordion.Item key={action} value={action}>
                <Accordion.Control>{t(`seller.action.${action}`)}</Accordion.Control>
                <Accordion.Panel>
                  <Form claim={claim} onReload={onReload} />
                </Accordion.Panel>
              </Accordion.Item>
            )
          })}
        </Accordion>
      )}
    </Section>
  )
}

function useAct(claim: Claim, onReload: () => void) {
  const { t } = useTranslation()
  const action = useClaimAction(claim.id)
  const client = useQueryClient()
  const send = (body: Body, onDone?: () => void) =>
    action.mutate({ ...body, expected_version: claim.version } as ClaimActionBody, {
      onSuccess: () => {
        notify('success', t(`seller.done.${body.action}`, { defaultValue: t('seller.done.default') }))
        // Every transition posts a system message to the claim's thread; the list moved too.
        void client.invalidateQueries({ queryKey: ['threads'] })
        void client.invalidateQueries({ queryKey: ['claims', 'list'] })
        onDone?.()
      },
    })
  const error = (
    <WriteError
      error={action.error}
      onReload={() => {
        action.reset()
        onReload()
      }}
    />
  )
  return { action, send, error }
}

function ActionForm({ name, onSubmit, children }: { name: string; onSubmit: () => void; children: ReactNode }) {
  return (
    <form
      aria-label={name}
      onSubmit={(event: FormEvent) => {
        event.preventDefault()
        onSubmit()
      }}
    >
      <Stack gap="xs">{children}</Stack>
    </form>
  )
}

function RequestInfoForm({ claim, onReload }: FormProps) {
  const { t } = useTranslation()
  const [comment, setComment] = useState('')
  const check = useDraftCheck(comment, 'seller')
  const { action, send, error } = useAct(claim, onReload)
  return (
    <ActionForm
      name={t('seller.action.request_info')}
      onSubmit={() => send({ action: 'request_info', comment }, () => setComment(''))}
    >
      <DraftField
        id="request-info-comment"
        label={t('seller.decision.question')}
        description={t('seller.decision.questionHint')}
        value={comment}
        onChange={setComment}
        verdict={check.verdict}
        sendError={action.error}
        maxLength={1000}
        required
      />
      {error}
      <Button type="submit" loading={action.isPending} disabled={check.blocked || comment.trim().length === 0}>
        {t('seller.action.request_infoSubmit')}
      </Button>
    </ActionForm>
  )
}

function ApproveRefundForm({ claim, onReload }: FormProps) {
  const { t } = useTranslation()
  const [withReturn, setWithReturn] = useState('true')
  const { action, send, error } = useAct(claim, onReload)
  return (
    <ActionForm
      name={t('seller.action.approve_refund')}
      onSubmit={() => send({ action: 'approve_refund', with_return: withReturn === 'true' })}
    >
      <Radio.Group label={t('seller.decision.withReturn')} value={withReturn} onChange={setWithReturn}>
        <Stack gap={6} mt={6}>
          <Radio value="true" label={t('seller.decision.returnYes')} />
          <Radio value="false" label={t('seller.decision.returnNo')} />
        </Stack>
      </Radio.Group>
      {error}
      <Button type="submit" loading={action.isPending}>
        {t('seller.action.approve_refundSubmit')}
      </Button>
    </ActionForm>
  )
}

function CompensationForm({ claim, onReload }: FormProps) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? 'en'
  const [amount, setAmount] = useState<number | string>('')
  const { action, send, error } = useAct(claim, onReload)
  // The API's bounds (1 … line total − 1, in minor units), shown and enforced in major units.
  const { min, max } = claim.offer_bounds
  const minor = amount === '' ? null : toMinor(Number(amount), claim.currency)
  const outOfBounds = minor !== null && (minor < min || minor > max)
  return (
    <ActionForm
      name={t('seller.action.offer_compensation')}
      onSubmit={() => minor !== null && send({ action: 'offer_compensation', amount: minor })}
    >
      <NumberInput
        label={t('seller.decision.amount')}
        description={t('seller.decision.amountHint', {
          min: formatMoney(min, claim.currency, language),
          max: formatMoney(max, claim.currency, language),
        })}
        value={amount}
        onChange={setAmount}
        min={toMajor(min, claim.currency)}
        max={toMajor(max, claim.currency)}
        decimalScale={currencyDigits(claim.currency)}
        error={outOfBounds ? t('seller.decision.amountOut') : undefined}
        required
      />
      <Text size="sm" data-testid="offers-left">
        {t('seller.decision.offersLeft', { count: claim.offers_left })}
      </Text>
      {error}
      <Button type="submit" loading={action.isPending} disabled={minor === null || outOfBounds}>
        {t('seller.action.offer_compensationSubmit')}
      </Button>
    </ActionForm>
  )
}

function PartialDeliveryForm({ claim, onReload }: FormProps) {
  const { t } = useTranslation()
  const [part, setPart] = useState('')
  const check = useDraftCheck(part, 'seller')
  const { action, send, error } = useAct(claim, onReload)
  return (
    <ActionForm
      name={t('seller.action.offer_partial_delivery')}
      onSubmit={() => send({ action: 'offer_partial_delivery', part })}
    >
      <DraftField
        id="partial-part"
        label={t('seller.decision.part')}
        value={part}
        onChange={setPart}
        verdict={check.verdict}
        sendError={action.error}
        maxLength={200}
        minRows={1}
        required
      />
      <Text size="sm">{t('seller.decision.offersLeft', { count: claim.offers_left })}</Text>
      {error}
      <Button type="submit" loading={action.isPending} disabled={check.blocked || part.trim().length === 0}>
        {t('seller.action.offer_partial_deliverySubmit')}
      </Button>
    </ActionForm>
  )
}

function ConfirmOnly({ claim, onReload, body, name }: FormProps & { body: Body; name: SellerAction }) {
  const { t } = useTranslation()
  const { action, send, error } = useAct(claim, onReload)
  return (
    <ActionForm name={t(`seller.action.${name}`)} onSubmit={() => send(body)}>
      <Text size="sm">{t(`seller.decision.explain.${name}`)}</Text>
      {name.startsWith('offer_') && (
        <Text size="sm">{t('seller.decision.offersLeft', { count: claim.offers_left })}</Text>
      )}
      {error}
      <Button type="submit" loading={action.isPending}>
        {t(`seller.action.${name}Submit`)}
      </Button>
    </ActionForm>
  )
}

function RejectForm({ claim, onReload }: FormProps) {
  const { t } = useTranslation()
  const [reason, setReason] = useState<(typeof REJECT_REASONS)[number]>('no_defect_found')
  const [comment, setComment] = useState('')
  const check = useDraftCheck(comment, 'seller')
  const { action, send, error } = useAct(claim, onReload)
  const length = comment.trim().length
  return (
    <ActionForm
      name={t('seller.action.reject')}
      onSubmit={() => send({ action: 'reject', reason_code: reason, comment })}
    >
      <Select
        label={t('seller.decision.rejectReason')}
        value={reason}
        allowDeselect={false}
        onChange={(value) => value && setReason(value as (typeof REJECT_REASONS)[number])}
        data={REJECT_REASONS.map((r) => ({ value: r, label: t(`seller.rejectReason.${r}`) }))}
      />
      <DraftField
        id="reject-comment"
        label={t('seller.decision.rejectComment')}
        description={t('seller.decision.rejectCommentHint', { count: length })}
        value={comment}
        onChange={setComment}
        verdict={check.verdict}
        sendError={action.error}
        minLength={10}
        maxLength={1000}
        minRows={3}
        required
      />
      {error}
      <Button type="submit" color="red.9" loading={action.isPending} disabled={check.blocked || length < 10}>
        {t('seller.action.rejectSubmit')}
      </Button>
    </ActionForm>
  )
}

function ShipmentForm({ claim, onReload }: FormProps) {
  const { t } = useTranslation()
  const [tracking, setTracking] = useState('')
  const { action, send, error } = useAct(claim, onReload)
  const valid = tracking.trim().length >= 8 && tracking.trim().length <= 64
  return (
    <ActionForm
      name={t('seller.action.confirm_shipment')}
      onSubmit={() => send({ action: 'confirm_shipment', tracking: tracking.trim() })}
    >
      <TextInput
        label={t('seller.decision.tracking')}
        description={t('seller.decision.trackingHint')}
        value={tracking}
        onChange={(e) => setTracking(e.currentTarget.value)}
        minLength={8}
        maxLength={64}
        required
      />
      {error}
      <Button type="submit" loading={action.isPending} disabled={!valid}>
        {t('seller.action.confirm_shipmentSubmit')}
      </Button>
    </ActionForm>
  )
}

function ReportAbuseForm({ claim, onReload }: FormProps) {
  const { t } = useTranslation()
  const [comment, setComment] = useState('')
  const { action, send, error } = useAct(claim, onReload)
  return (
    <ActionForm
      name={t('seller.action.report_abuse')}
      onSubmit={() =>
        send({ action: 'report_abuse', ...(comment.trim() ? { comment: comment.trim() } : {}) }, () => setComment(''))
      }
    >
      {/* Read by arbiters only and not moderated: a report usually quotes the abuse it reports. */}
      <Textarea
        label={t('seller.decision.abuseComment')}
        description={t('seller.decision.abuseHint')}
        value={comment}
        onChange={(e) => setComment(e.currentTarget.value)}
        maxLength={1000}
        autosize
        minRows={2}
      />
      {error}
      <Button type="submit" variant="outline" color="red.9" loading={action.isPending}>
        {t('seller.action.report_abuseSubmit')}
      </Button>
    </ActionForm>
  )
}
