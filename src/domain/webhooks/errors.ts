// The webhooks domain's problems (docs/api.md lists every problem type).
import { DomainError } from '../../shared/errors.js'

export const webhookDisabled = (reason: string | null): DomainError =>
  new DomainError({
    status: 409,
    slug: 'webhook-disabled',
    title: 'Webhook disabled',
    detail: `the webhook is disabled: ${reason ?? 'no reason recorded'}`,
  })

export const eventExpired = (): DomainError =>
  new DomainError({
    status: 410,
    slug: 'event-expired',
    title: 'Event expired',
    detail: 'the event of this delivery was pruned from the feed (policy feed_retention) and cannot be sent again',
  })

export const deliveryInProgress = (): DomainError =>
  new DomainError({
    status: 409,
    slug: 'delivery-in-progress',
    title: 'Delivery in progress',
    detail: 'the delivery is still being attempted; replay it once it has succeeded or failed',
  })

export const urlRefused = (detail: string): DomainError =>
  new DomainError({
    status: 422,
    slug: 'webhook-url-refused',
    title: 'Webhook URL refused',
    detail,
    extensions: { field: 'url' },
  })
