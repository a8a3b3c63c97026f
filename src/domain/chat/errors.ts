// The chat and moderation problems (docs/moderation.md, docs/api.md). Slugs are the contract.
import { DomainError } from '../../shared/errors.js'
import type { Violation } from '../moderation/engine/index.js'

export { forbidden } from '../../shared/errors.js'

export const chatDisabled = (): DomainError =>
  new DomainError({
    status: 403,
    slug: 'chat-disabled',
    title: 'Pre-sale questions are switched off',
    detail: 'the seller does not take questions in chat for orders without a claim; open a claim to talk to the seller',
  })

export const chatSuspended = (sanctionId: string): DomainError =>
  new DomainError({
    status: 403,
    slug: 'chat-suspended',
    title: 'Chat suspended',
    detail: 'your chat is suspended after repeated violations until an arbiter reviews it',
    extensions: { sanction_id: sanctionId },
  })

export const messageBlocked = (violations: Violation[]): DomainError =>
  new DomainError({
    status: 422,
    slug: 'message-blocked',
    title: 'Message not delivered',
    detail: 'the message breaks the chat rules and was not delivered; see violations for how to rephrase it',
    extensions: { violations },
  })

export const stateConflict = (slug: string, detail: string, extensions?: Record<string, unknown>): DomainError =>
  new DomainError({ status: 409, slug, title: 'Not allowed in the current state', detail, extensions })
