// The arbiter's actions on this claim: exactly the claim's allowed_actions, each as its form.
import { Button, Checkbox, NumberInput, Select, Stack, Text, Textarea } from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useClaimAction } from '../../../api/hooks/claims'
import type { Claim, ClaimActionBody } from '../../../api/types'
import { useSignedIn } from '../../../auth/useSession'
import { currencyDigits, formatMoney, toMajor, toMinor } from '../../../format/money'
import { notify } from '../../../ui/notify'
import { WriteError } from '../../../ui/states'
import { TakeButton } from '../TakeButton'
import { ModerationHints, blockedViolations } from '../../../ui/ModerationHints'
import { Section } from '../../../ui/Section'

// Omit over each member of the action union, not over the union as a whole.
type WithoutVersion<T> = T extends unknown ? Omit<T, 'expected_version'> : never

/** Fines are kept in the platform's currency (the violations ledger's). */
const FINE_CURRENCY = 'RUB'
const OUTCOMES = ['refund_full', 'refund_with_return', 'compensation', 'replacement', 'reject_claim'] as const

export function ActionsPanel({ claim, onReload }: { claim: Claim; onReload: () => void }) {
  const { t } = useTranslation()
  const me = useSignedIn()
  const allowed = claim.allowed_actions
  const assignee = claim.escalation?.assignee
  return (
    <Section id="actions" title={t('arbiter.case.actions')}>
      {assignee && (
        <Text data-testid="assignee">
          {assignee === me.sub
            ? t('arbiter.case.assignedTo', { who: t('arbiter.queue.you') })
            : t('arbiter.case.takenByOther', { who: assignee })}
        </Text>
      )}
      {allowed.length === 0 && <Text c="gray.7">{t('arbiter.case.noActions')}</Text>}
      {allowed.includes('take') && <TakeButton claim={claim} label={t('arbiter.case.take')} />}
      {allowed.includes('request_info') && <RequestInfoForm claim={claim} onReload={onReload} />}
      {allowed.includes('decide') && <DecideForm claim={claim} onReload={onReload} />}
    </Section>
  )
}

function useAct(claim: Claim, done: string) {
  const { t } = useTranslation()
  const action = useClaimAction(claim.id)
  const send = (body: WithoutVersion<ClaimActionBody>) =>
    action.mutate({ ...body, expected_version: claim.version } as ClaimActionBody, {
      onSuccess: () => notify('success', t(done)),
    })
  return { action, send }
}

function RequestInfoForm({ claim, onReload }: { claim: Claim; onReload: () => void }) {
  const { t } = useTranslation()
  const [from, setFrom] = useState<'buyer' | 'seller'>('buyer')
  const [comment, setComment] = useState('')
  const { action, send } = useAct(claim, 'arbiter.case.sent')
  const blocked = blockedViolations(action.error)
  return (
    <form
      aria-labelledby="request-info-title"
      onSubmit={(event) => {
        event.preventDefault()
        send({ action: 'request_info', from, comment })
      }}
    >
      <Stack gap="xs">
        <Text fw={600} id="request-info-title">
          {t('arbiter.case.requestInfo')}
        </Text>
        <Select
          label={t('arbiter.case.from')}
          value={from}
          allowDeselect={false}
          onChange={(value) => value && setFrom(value as 'buyer' | 'seller')}
          data={[
            { value: 'buyer', label: t('roles.buyer') },
            { value: 'seller', label: t('roles.seller') },
          ]}
        />
        <Textarea
          label={t('arbiter.case.comment')}
          description={t('arbiter.case.commentHint')}
          value={comment}
          onChange={(event) => setComment(event.currentTarget.value)}
          minLength={10}
          maxLength={1000}
          required
          autosize
          minRows={2}
          error={blocked ? t('problem.blockedTitle') : undefined}
          aria-describedby={blocked ? 'request-info-hints' : undefined}
        />
        <ModerationHints error={action.error} id="request-info-hints" />
        <WriteError
          error={action.error}
          onReload={() => {
            action.reset()
            onReload()
          }}
        />
        <Button type="submit" loading={action.isPending} variant="outline">
          {t('arbiter.case.send')}
        </Button>
      </Stack>
    </form>
  )
}

function DecideForm({ claim, onReload }: { claim: Claim; onReload: () => void }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? 'en'
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]>('refund_full')
  const [amount, setAmount] = useState<number | string>('')
  const [comment, setComment] = useState('')
  const [fine, setFine] = useState(false)
  const [fineAmount, setFineAmount] = useState<number | string>('')
  const [restrict, setRestrict] = useState(false)
  const { action, send } = useAct(claim, 'arbiter.case.decided')
  const blocked = blockedViolations(action.error)
  const digits = currencyDigits(claim.currency)
  // A compensation is bounded like a seller's offer: 1 … line total − 1 (minor units).
  const min = toMajor(1, claim.currency)
  const max = toMajor(claim.line_total - 1, claim.currency)
  return (
    <form
      aria-labelledby="decide-title"
      onSubmit={(event) => {
        event.preventDefault()
        const sanctions = {
          ...(fine && fineAmount !== '' ? { seller_fine: toMinor(Number(fineAmount), FINE_CURRENCY) } : {}),
          ...(restrict ? { buyer_restriction: true } : {}),
        }
        send({
          action: 'decide',
          outcome,
          comment,
          ...(outcome === 'compensation' ? { amount: toMinor(Number(amount), claim.currency) } : {}),
          ...(Object.keys(sanctions).length > 0 ? { sanctions } : {}),
        })
      }}
    >
      <Stack gap="xs">
        <Text fw={600} id="decide-title">
          {t('arbiter.case.decide')}
        </Text>
        <Select
          label={t('arbiter.case.outcome')}
          value={outcome}
          allowDeselect={false}
          onChange={(value) => value && setOutcome(value as (typeof OUTCOMES)[number])}
          data={OUTCOMES.map((o) => ({ value: o, label: t(`outcome.${o}`) }))}
        />
        {outcome === 'compensation' && (
          <NumberInput
            label={t('arbiter.case.amount')}
            description={t('arbiter.case.amountHint', {
              min: formatMoney(1, claim.currency, language),
              max: formatMoney(claim.line_total - 1, claim.currency, language),
            })}
            value={amount}
            onChange={setAmount}
            min={min}
            max={max}
            decimalScale={digits}
            clampBehavior="strict"
            required
          />
        )}
        <Textarea
          label={t('arbiter.case.decisionComment')}
          description={t('arbiter.case.commentHint')}
          value={comment}
          onChange={(event) => setComment(event.currentTarget.value)}
          minLength={10}
          maxLength={1000}
          required
          autosize
          minRows={3}
          error={blocked ? t('problem.blockedTitle') : undefined}
          aria-describedby={blocked ? 'decide-hints' : undefined}
        />
        <ModerationHints error={action.error} id="decide-hints" />
        <Checkbox
          label={t('arbiter.case.sellerFine')}
          checked={fine}
          onChange={(e) => setFine(e.currentTarget.checked)}
        />
        {fine && (
          <NumberInput
            label={t('arbiter.case.sellerFineAmount')}
            value={fineAmount}
            onChange={setFineAmount}
            min={0}
            decimalScale={2}
            suffix=" ₽"
            required
          />
        )}
        <Checkbox
          label={t('arbiter.case.buyerRestriction')}
          checked={restrict}
          onChange={(e) => setRestrict(e.currentTarget.checked)}
        />
        <WriteError
          error={action.error}
          onReload={() => {
            action.reset()
            onReload()
          }}
        />
        <Button type="submit" loading={action.isPending}>
          {t('arbiter.case.submitDecision')}
        </Button>
      </Stack>
    </form>
  )
}
