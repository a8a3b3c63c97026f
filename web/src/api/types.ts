// Response and request types, read off the generated contract (schema.d.ts, npm run api:generate).
// Pages never declare a response shape of their own.
import type { paths } from './schema'

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never
type Success<Op> = Op extends { responses: infer R }
  ? R extends { 200: infer A }
    ? JsonOf<A>
    : R extends { 201: infer B }
      ? JsonOf<B>
      : never
  : never

/** The success body (200, else 201) of `method path`. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> = Success<paths[P][M]>

export type Claim = ResponseOf<'/v1/claims/{id}', 'get'>
export type QueuePage = ResponseOf<'/v1/arbiter/queue', 'get'>
export type ClaimEvents = ResponseOf<'/v1/claims/{id}/events', 'get'>
export type Order = ResponseOf<'/v1/orders/{id}', 'get'>
export type OrderPage = ResponseOf<'/v1/orders', 'get'>
export type ThreadPage = ResponseOf<'/v1/threads', 'get'>
export type MessagePage = ResponseOf<'/v1/threads/{id}/messages', 'get'>
export type ModerationVerdict = ResponseOf<'/v1/moderation/check', 'post'>
export type ViolationPage = ResponseOf<'/v1/violations', 'get'>
export type SanctionPage = ResponseOf<'/v1/sanctions', 'get'>
export type BlockedPage = ResponseOf<'/v1/moderation/blocked', 'get'>
export type FlagPage = ResponseOf<'/v1/moderation/flags', 'get'>
export type AbuseReportPage = ResponseOf<'/v1/abuse-reports', 'get'>
export type DevToken = ResponseOf<'/v1/dev/tokens', 'post'>

/** The request body of an action (a union, one member per action). */
export type ClaimActionBody = NonNullable<
  paths['/v1/claims/{id}/actions']['post']['requestBody']
>['content']['application/json']
export type ArbiterQueueQuery = NonNullable<paths['/v1/arbiter/queue']['get']['parameters']['query']>

/** The query parameters of `GET path`. */
export type QueryOf<P extends keyof paths> = NonNullable<
  paths[P] extends { get: { parameters: { query?: infer Q } } } ? Q : never
>
