// The moderation desk: refused attempts, flagged messages, abuse reports and pending
// sanctions, each with the decisions the API offers for it.
import { Anchor, Button, Group, Stack, Table, Tabs, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router'
import {
  useAbuseReports,
  useBlockedAttempts,
  useCloseAbuseReport,
  useDecideSanction,
  useFlags,
  useReviewFlag,
  useSanctions,
} from '../../../api/hooks/moderation'
import { MessageStatusBadge } from '../../../ui/chat/MessageStatusBadge'
import { Time } from '../../../ui/format'
import { notify } from '../../../ui/notify'
import { Empty, ProblemAlert, QueryView } from '../../../ui/states'
import { shortId } from '../TakeButton'
import './held.i18n'

const TABS = ['blocked', 'flags', 'reports', 'sanctions'] as const
type Tab = (typeof TABS)[number]

export function ModerationDesk() {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'blocked'
  return (
    <Stack>
      <Title order={2}>{t('arbiter.desk.title')}</Title>
      <Tabs value={tab} onChange={(value) => value && setParams({ tab: value }, { replace: true })} keepMounted={false}>
        <Tabs.List>
          {TABS.map((name) => (
            <Tabs.Tab key={name} value={name}>
              {t(`arbiter.desk.${name}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="blocked" pt="md">
          <BlockedTab />
        </Tabs.Panel>
        <Tabs.Panel value="flags" pt="md">
          <FlagsTab />
        </Tabs.Panel>
        <Tabs.Panel value="reports" pt="md">
          <ReportsTab />
        </Tabs.Panel>
        <Tabs.Panel value="sanctions" pt="md">
          <SanctionsTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}

function Party({ party }: { party: { role: string; id?: string } }) {
  const { t } = useTranslation()
  return (
    <>
      {t(`roles.${party.role}`, { defaultValue: party.role })} {party.id ?? ''}
    </>
  )
}

function Rules({ violations }: { violations: unknown }) {
  const list = Array.isArray(violations) ? (violations as { rule: string; hint?: string }[]) : []
  return (
    <Stack gap={2}>
      {list.map((v, i) => (
        <Text key={i} size="sm">
          <Text span fw={600}>
            {v.rule}
          </Text>
          {v.hint ? `: ${v.hint}` : ''}
        </Text>
      ))}
    </Stack>
  )
}

function DeskTable({ head, children }: { head: string[]; children: ReactNode }) {
  return (
    <Table striped verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          {head.map((h) => (
            <Table.Th key={h} scope="col">
              {h}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>{children}</Table.Tbody>
    </Table>
  )
}

function ClaimLink({ claimId }: { claimId: string | null | undefined }) {
  const { t } = useTranslation()
  if (!claimId) return <>—</>
  return (
    <Anchor component={Link} to={`/arbiter/claims/${claimId}`}>
      {t('arbiter.desk.claimLink')} {shortId(claimId)}
    </Anchor>
  )
}

function BlockedTab() {
  const { t } = useTranslation()
  const blocked = useBlockedAttempts({ limit: 50 })
  return (
    <QueryView query={blocked}>
      {(page) =>
        page.items.length === 0 ? (
          <Empty>{t('arbiter.desk.empty')}</Empty>
        ) : (
          <DeskTable
            head={[
              t('arbiter.desk.when'),
              t('arbiter.desk.sender'),
              t('arbiter.desk.text'),
              t('arbiter.desk.rules'),
              t('arbiter.desk.where'),
            ]}
          >
            {page.items.map((b) => (
              <Table.Tr key={b.id}>
                <Table.Td>
                  <Time iso={b.created_at} />
                </Table.Td>
                <Table.Td>
                  <Party party={b.sender} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{b.text}</Table.Td>
                <Table.Td>
                  <Rules violations={b.violations} />
                </Table.Td>
                <Table.Td>
                  <ClaimLink claimId={b.claim_id} />
                </Table.Td>
              </Table.Tr>
            ))}
          </DeskTable>
        )
      }
    </QueryView>
  )
}

function useDone() {
  const { t } = useTranslation()
  return { onSuccess: () => notify('success', t('arbiter.desk.done')) }
}

function FlagsTab() {
  const { t } = useTranslation()
  const flags = useFlags({ status: 'open', limit: 50 })
  const review = useReviewFlag()
  const done = useDone()
  return (
    <Stack>
      {review.error && <ProblemAlert error={review.error} />}
      <QueryView query={flags}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>{t('arbiter.desk.empty')}</Empty>
          ) : (
            <DeskTable
              head={[
                t('arbiter.desk.when'),
                t('arbiter.desk.sender'),
                t('arbiter.desk.text'),
                t('arbiter.desk.rules'),
                t('arbiter.desk.held.message'),
                t('arbiter.desk.actions'),
              ]}
            >
              {page.items.map((f) => (
                <Table.Tr key={f.id}>
                  <Table.Td>
                    <Time iso={f.created_at} />
                  </Table.Td>
                  <Table.Td>
                    <Party party={f.sender} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{f.text}</Table.Td>
                  <Table.Td>
                    <Rules violations={f.violations} />
                  </Table.Td>
                  <Table.Td>
                    <MessageStatusBadge status={f.message_status}>
                      {t(`arbiter.desk.held.status.${f.message_status}`)}
                    </MessageStatusBadge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {t(`arbiter.desk.held.outcome.${f.message_status === 'held' ? 'held' : 'delivered'}.confirm`)}
                      <br />
                      {t(`arbiter.desk.held.outcome.${f.message_status === 'held' ? 'held' : 'delivered'}.dismiss`)}
                    </Text>
                    <Group gap="xs">
                      <Button
                        size="xs"
                        color="red.9"
                        onClick={() => review.mutate({ id: f.id, decision: 'confirm' }, done)}
                      >
                        {t('arbiter.desk.confirm')}
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => review.mutate({ id: f.id, decision: 'dismiss' }, done)}
                      >
                        {t('arbiter.desk.dismiss')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </DeskTable>
          )
        }
      </QueryView>
    </Stack>
  )
}

function ReportsTab() {
  const { t } = useTranslation()
  const reports = useAbuseReports({ status: 'open', limit: 50 })
  const close = useCloseAbuseReport()
  const done = useDone()
  return (
    <Stack>
      {close.error && <ProblemAlert error={close.error} />}
      <QueryView query={reports}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>{t('arbiter.desk.empty')}</Empty>
          ) : (
            <DeskTable
              head={[
                t('arbiter.desk.when'),
                t('arbiter.desk.party'),
                t('arbiter.desk.text'),
                t('arbiter.desk.reason'),
                t('arbiter.desk.actions'),
              ]}
            >
              {page.items.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Time iso={r.created_at} />
                  </Table.Td>
                  <Table.Td>
                    <Party party={r.reporter} /> → <Party party={r.reported} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{r.message.text}</Table.Td>
                  <Table.Td>{r.reason ?? '—'}</Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      <Button
                        size="xs"
                        color="red.9"
                        onClick={() => close.mutate({ id: r.id, outcome: 'upheld' }, done)}
                      >
                        {t('arbiter.desk.uphold')}
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => close.mutate({ id: r.id, outcome: 'dismissed' }, done)}
                      >
                        {t('arbiter.desk.dismiss')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </DeskTable>
          )
        }
      </QueryView>
    </Stack>
  )
}

function SanctionsTab() {
  const { t } = useTranslation()
  const sanctions = useSanctions({ status: 'pending_review', limit: 50 })
  const decide = useDecideSanction()
  const done = useDone()
  return (
    <Stack>
      {decide.error && <ProblemAlert error={decide.error} />}
      <QueryView query={sanctions}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>{t('arbiter.desk.empty')}</Empty>
          ) : (
            <DeskTable
              head={[
                t('arbiter.desk.when'),
                t('arbiter.desk.party'),
                t('arbiter.desk.kind'),
                t('arbiter.desk.reason'),
                t('arbiter.desk.actions'),
              ]}
            >
              {page.items.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Time iso={s.created_at} />
                  </Table.Td>
                  <Table.Td>
                    <Party party={s.party} />
                  </Table.Td>
                  <Table.Td>{t(`arbiter.desk.sanctionKind.${s.kind}`, { defaultValue: s.kind })}</Table.Td>
                  <Table.Td>{s.reason}</Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      <Button
                        size="xs"
                        color="red.9"
                        onClick={() => decide.mutate({ id: s.id, decision: 'confirm' }, done)}
                      >
                        {t('arbiter.desk.confirm')}
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => decide.mutate({ id: s.id, decision: 'cancel' }, done)}
                      >
                        {t('arbiter.desk.cancel')}
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => decide.mutate({ id: s.id, decision: 'lift' }, done)}
                      >
                        {t('arbiter.desk.lift')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </DeskTable>
          )
        }
      </QueryView>
    </Stack>
  )
}
