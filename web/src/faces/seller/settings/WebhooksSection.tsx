// Webhooks: register a URL and event types (the signing secret is shown once, at creation),
// each one's status and the reason it was disabled, its delivery log with replay.
import { Alert, Badge, Button, Checkbox, Code, CopyButton, Group, Stack, Table, Text, TextInput } from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  useCreateWebhook,
  useDeleteWebhook,
  useDeliveries,
  useReplayDelivery,
  useWebhooks,
  type CreatedWebhook,
  type WebhookEventType,
  type WebhookList,
} from '../../../api/hooks/webhooks'
import { Time } from '../../../ui/format'
import { notify } from '../../../ui/notify'
import { Empty, ProblemAlert, QueryView } from '../../../ui/states'
import { Section } from '../../arbiter/case/Section'

const EVENT_TYPES: WebhookEventType[] = [
  '*',
  'claim.event',
  'chat.message',
  'deadline.reminder',
  'violation.recorded',
  'violation.cancelled',
]

const eventKey = (type: WebhookEventType) => `seller.webhooks.event.${type === '*' ? 'all' : type.replace('.', '_')}`

export function WebhooksSection() {
  const { t } = useTranslation()
  const webhooks = useWebhooks()
  const [created, setCreated] = useState<CreatedWebhook | null>(null)
  return (
    <Section id="webhooks" title={t('seller.webhooks.title')}>
      <Text size="sm">{t('seller.webhooks.intro')}</Text>
      <CreateWebhook onCreated={setCreated} />
      {created && <SecretOnce webhook={created} onDismiss={() => setCreated(null)} />}
      <QueryView query={webhooks}>
        {(data) =>
          data.items.length === 0 ? <Empty>{t('seller.webhooks.none')}</Empty> : <WebhookTable items={data.items} />
        }
      </QueryView>
    </Section>
  )
}

function CreateWebhook({ onCreated }: { onCreated: (webhook: CreatedWebhook) => void }) {
  const { t } = useTranslation()
  const [url, setUrl] = useState('')
  const [types, setTypes] = useState<string[]>(['*'])
  const create = useCreateWebhook()
  return (
    <form
      aria-label={t('seller.webhooks.create')}
      onSubmit={(event) => {
        event.preventDefault()
        create.mutate(
          { url: url.trim(), event_types: types as WebhookEventType[] },
          {
            onSuccess: (webhook) => {
              setUrl('')
              onCreated(webhook)
            },
          },
        )
      }}
    >
      <Stack gap="xs">
        <TextInput
          label={t('seller.webhooks.url')}
          description={t('seller.webhooks.urlHint')}
          type="url"
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
          minLength={8}
          maxLength={2048}
          required
        />
        <Checkbox.Group label={t('seller.webhooks.events')} value={types} onChange={setTypes}>
          <Group mt={6} gap="md">
            {EVENT_TYPES.map((type) => (
              <Checkbox key={type} value={type} label={t(eventKey(type))} />
            ))}
          </Group>
        </Checkbox.Group>
        {create.error !== null && <ProblemAlert error={create.error} />}
        <Button
          type="submit"
          w="fit-content"
          loading={create.isPending}
          disabled={types.length === 0 || url.trim().length < 8}
        >
          {t('seller.webhooks.register')}
        </Button>
      </Stack>
    </form>
  )
}

function SecretOnce({ webhook, onDismiss }: { webhook: CreatedWebhook; onDismiss: () => void }) {
  const { t } = useTranslation()
  return (
    <Alert color="blue.9" variant="outline" title={t('seller.webhooks.secretTitle')} data-testid="webhook-secret">
      <Stack gap="xs">
        <Text size="sm">{t('seller.webhooks.secretOnce')}</Text>
        <Code block>{webhook.secret}</Code>
        <Group>
          <CopyButton value={webhook.secret}>
            {({ copied, copy }) => (
              <Button size="xs" variant="outline" onClick={copy}>
                {copied ? t('seller.webhooks.copied') : t('seller.webhooks.copy')}
              </Button>
            )}
          </CopyButton>
          <Button size="xs" variant="default" onClick={onDismiss}>
            {t('seller.webhooks.secretKept')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  )
}

function WebhookTable({ items }: { items: WebhookList['items'] }) {
  const { t } = useTranslation()
  const [open, setOpen] = useState<string | null>(null)
  const remove = useDeleteWebhook()
  return (
    <Stack gap="sm">
      <Table verticalSpacing="xs" data-testid="webhooks">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('seller.webhooks.url')}</Table.Th>
            <Table.Th scope="col">{t('seller.webhooks.events')}</Table.Th>
            <Table.Th scope="col">{t('seller.webhooks.status')}</Table.Th>
            <Table.Th scope="col">{t('seller.webhooks.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((w) => (
            <Table.Tr key={w.id}>
              <Table.Td style={{ wordBreak: 'break-all' }}>{w.url}</Table.Td>
              <Table.Td>{w.event_types.map((type) => t(eventKey(type))).join(', ')}</Table.Td>
              <Table.Td>
                <Badge color={w.status === 'active' ? 'teal.9' : 'red.9'} variant="filled" radius="sm" tt="none">
                  {t(`seller.webhooks.state.${w.status}`)}
                </Badge>
                {w.status === 'disabled' && (
                  <Text size="xs" c="red.9" data-testid="disabled-reason">
                    {t('seller.webhooks.disabledBecause', { reason: w.disabled_reason ?? '—' })}{' '}
                    <Time iso={w.disabled_at} />
                  </Text>
                )}
                {w.consecutive_failures > 0 && (
                  <Text size="xs" c="gray.7">
                    {t('seller.webhooks.failures', { count: w.consecutive_failures })}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap="xs">
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => setOpen(open === w.id ? null : w.id)}
                    aria-expanded={open === w.id}
                  >
                    {t('seller.webhooks.log')}
                  </Button>
                  <Button
                    size="xs"
                    variant="outline"
                    color="red.9"
                    loading={remove.isPending && remove.variables === w.id}
                    onClick={() =>
                      remove.mutate(w.id, { onSuccess: () => notify('success', t('seller.webhooks.deleted')) })
                    }
                  >
                    {t('seller.webhooks.delete')}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {remove.error !== null && <ProblemAlert error={remove.error} />}
      {open && <DeliveryLog webhookId={open} />}
    </Stack>
  )
}

function DeliveryLog({ webhookId }: { webhookId: string }) {
  const { t } = useTranslation()
  const deliveries = useDeliveries(webhookId)
  const replay = useReplayDelivery(webhookId)
  return (
    <Stack gap="xs" data-testid="delivery-log">
      <Text fw={600}>{t('seller.webhooks.logTitle')}</Text>
      <QueryView query={deliveries}>
        {(data) => {
          const items = data.pages.flatMap((p) => p.items)
          if (items.length === 0) return <Empty>{t('seller.webhooks.noDeliveries')}</Empty>
          return (
            <Table verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('seller.webhooks.when')}</Table.Th>
                  <Table.Th scope="col">{t('seller.webhooks.event.title')}</Table.Th>
                  <Table.Th scope="col">{t('seller.webhooks.status')}</Table.Th>
                  <Table.Th scope="col">{t('seller.webhooks.attempts')}</Table.Th>
                  <Table.Th scope="col">{t('seller.webhooks.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>
                      <Time iso={d.created_at} />
                    </Table.Td>
                    <Table.Td>{d.event_type}</Table.Td>
                    <Table.Td>
                      {t(`seller.webhooks.delivery.${d.status}`)}
                      {(d.last_status_code || d.last_error) && (
                        <Text size="xs" c="gray.7">
                          {[d.last_status_code, d.last_error].filter(Boolean).join(' · ')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {d.attempt_count}
                      {d.replays > 0 ? ` (${t('seller.webhooks.replays', { count: d.replays })})` : ''}
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        disabled={d.status === 'pending'}
                        loading={replay.isPending && replay.variables === d.id}
                        onClick={() =>
                          replay.mutate(d.id, { onSuccess: () => notify('success', t('seller.webhooks.replayed')) })
                        }
                      >
                        {t('seller.webhooks.replay')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }}
      </QueryView>
      {replay.error !== null && <ProblemAlert error={replay.error} />}
      {deliveries.hasNextPage && (
        <Button size="xs" variant="default" w="fit-content" onClick={() => void deliveries.fetchNextPage()}>
          {t('seller.webhooks.more')}
        </Button>
      )}
    </Stack>
  )
}
