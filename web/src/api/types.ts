// Response types, read off the generated contract (schema.d.ts). Where the contract
// does not describe a response yet, the service's own return type stands in for it
// (type-only imports: nothing of the server reaches the bundle). Once schema.d.ts
// describes a response, `FromContract` picks the generated type and the stand-in
// is unused; delete the stand-ins when every response is described.
import type { paths } from './schema'
import type { ClaimView } from '../../../src/domain/claims/claim-view'
import type { ClaimsService } from '../../../src/domain/claims/claims.service'
import type { ArbiterQueueService } from '../../../src/domain/claims/arbiter-queue.service'
import type { OrdersService } from '../../../src/domain/orders/orders.service'
import type { ChatService } from '../../../src/domain/chat/chat.service'
import type { ViolationsService } from '../../../src/domain/moderation/violations.service'

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never
type Success<Op> = Op extends { responses: infer R }
  ? R extends { 200: infer A }
    ? JsonOf<A>
    : R extends { 201: infer B }
      ? JsonOf<B>
      : never
  : never

/** The success body of `method path` as the contract describes it, else `Fallback`. */
export type FromContract<P extends keyof paths, M extends keyof paths[P], Fallback> = [Success<paths[P][M]>] extends [
  never,
]
  ? Fallback
  : Success<paths[P][M]>

type Returned<F> = F extends (...args: never[]) => Promise<infer T> ? T : never

export type Claim = FromContract<'/v1/claims/{id}', 'get', ClaimView>
export type QueuePage = FromContract<'/v1/arbiter/queue', 'get', Returned<ArbiterQueueService['page']>>
export type ClaimEvents = FromContract<'/v1/claims/{id}/events', 'get', { items: Returned<ClaimsService['events']> }>
export type Order = FromContract<'/v1/orders/{id}', 'get', Returned<OrdersService['get']>>
export type ThreadPage = FromContract<'/v1/threads', 'get', Returned<ChatService['listThreads']>>
export type MessagePage = FromContract<'/v1/threads/{id}/messages', 'get', Returned<ChatService['listMessages']>>
export type ModerationVerdict = FromContract<'/v1/moderation/check', 'post', Returned<ChatService['check']>>
export type ViolationPage = FromContract<'/v1/violations', 'get', Returned<ViolationsService['listViolations']>>
export type SanctionPage = FromContract<'/v1/sanctions', 'get', Returned<ViolationsService['listSanctions']>>
export type BlockedPage = FromContract<'/v1/moderation/blocked', 'get', Returned<ViolationsService['listBlocked']>>
export type FlagPage = FromContract<'/v1/moderation/flags', 'get', Returned<ViolationsService['listFlags']>>
export type AbuseReportPage = FromContract<'/v1/abuse-reports', 'get', Returned<ViolationsService['listAbuseReports']>>
export type DevToken = FromContract<'/v1/dev/tokens', 'post', never>

/** The request body of an action, from the contract (always described). */
export type ClaimActionBody = NonNullable<
  paths['/v1/claims/{id}/actions']['post']['requestBody']
>['content']['application/json']
export type ArbiterQueueQuery = NonNullable<paths['/v1/arbiter/queue']['get']['parameters']['query']>

/** The query parameters of `GET path`, from the contract. */
export type QueryOf<P extends keyof paths> = NonNullable<
  paths[P] extends { get: { parameters: { query?: infer Q } } } ? Q : never
>
