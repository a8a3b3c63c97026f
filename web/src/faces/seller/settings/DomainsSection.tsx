// Official domains (a manufacturer's or service centre's site): links to approved ones pass
// moderation. The list is replaced as a whole; new domains wait for the platform's review.
import { Badge, Button, Group, List, Stack, TagsInput, Text } from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useOfficialDomains, usePutDomains, type OfficialDomains } from '../../../api/hooks/seller-settings'
import { isProblem } from '../../../api/problem'
import { Time } from '../../../ui/format'
import { notify } from '../../../ui/notify'
import { ProblemAlert, QueryView } from '../../../ui/states'
import { Section } from '../../arbiter/case/Section'

const STATUS_COLORS = { pending: 'grape.9', approved: 'teal.9', refused: 'red.9' } as const

export function DomainsSection() {
  const { t } = useTranslation()
  const domains = useOfficialDomains()
  return (
    <Section id="domains" title={t('seller.settings.domains')}>
      <Text size="sm">{t('seller.settings.domainsIntro')}</Text>
      <QueryView query={domains}>
        {(data) => <DomainsEditor key={data.domains.map((d) => d.domain).join()} current={data} />}
      </QueryView>
    </Section>
  )
}

function DomainsEditor({ current }: { current: OfficialDomains }) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState(current.domains.map((d) => d.domain))
  const put = usePutDomains()
  const errors =
    isProblem(put.error, 'validation-failed') && Array.isArray(put.error.body.errors)
      ? (put.error.body.errors as { field?: string; message?: string; domain?: string }[])
      : []
  return (
    <Stack gap="xs">
      {current.domains.length > 0 && (
        <List spacing={4} data-testid="domains">
          {current.domains.map((d) => (
            <List.Item key={d.domain}>
              <Group gap="xs">
                <Text size="sm">{d.domain}</Text>
                <Badge color={STATUS_COLORS[d.status]} variant="filled" radius="sm" tt="none">
                  {t(`seller.domainStatus.${d.status}`)}
                </Badge>
                <Text size="xs" c="gray.7">
                  <Time iso={d.reviewed_at ?? d.requested_at} />
                </Text>
              </Group>
            </List.Item>
          ))}
        </List>
      )}
      <TagsInput
        label={t('seller.settings.domainsEdit')}
        description={t('seller.settings.domainsHint')}
        value={draft}
        onChange={setDraft}
        maxTags={20}
        splitChars={[',', ' ']}
        clearable
      />
      {errors.length > 0 ? (
        <List size="sm" c="red.9" role="alert">
          {errors.map((e, i) => (
            <List.Item key={i}>{[e.domain ?? e.field, e.message].filter(Boolean).join(': ')}</List.Item>
          ))}
        </List>
      ) : (
        put.error !== null && <ProblemAlert error={put.error} />
      )}
      <Button
        w="fit-content"
        loading={put.isPending}
        onClick={() => put.mutate(draft, { onSuccess: () => notify('success', t('seller.settings.domainsSaved')) })}
      >
        {t('seller.settings.domainsSave')}
      </Button>
    </Stack>
  )
}
