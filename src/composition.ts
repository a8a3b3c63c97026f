// The one place the service graph is assembled. The API, the workers, every
// test helper and every bench build their services here, so a service can
// never be created without a dependency it needs (see docs/architecture.md).
import type { Config } from './config/config.js'
import type { Db } from './db/database.js'
import { primaryReads, type ReadDb } from './db/read-routing.js'
import type { Clock } from './shared/clock.js'
import { CursorCodec } from './shared/cursor.js'
import type { Logger } from './shared/logger.js'
import { ChatService } from './domain/chat/chat.service.js'
import { ArbiterQueueService } from './domain/claims/arbiter-queue.service.js'
import { ClaimActionsService } from './domain/claims/claim-actions.service.js'
import { ClaimDeadlinesService } from './domain/claims/claim-deadlines.service.js'
import { ClaimTransitions } from './domain/claims/claim-transitions.js'
import { ClaimViews } from './domain/claims/claim-views.js'
import { ClaimsService } from './domain/claims/claims.service.js'
import { OpenClaimService } from './domain/claims/open-claim.service.js'
import { FeedService } from './domain/feed/feed.service.js'
import { ViolationsService } from './domain/moderation/violations.service.js'
import { OrdersService } from './domain/orders/orders.service.js'
import { OrderListService } from './domain/orders/order-list.service.js'
import type { PhotoStorage } from './domain/photos/pipeline/index.js'
import { PhotosService } from './domain/photos/photos.service.js'
import { OfficialDomainsService } from './domain/sellers/official-domains.service.js'
import { StatsService, type StatsServiceDeps } from './domain/sellers/stats.service.js'
import { WebhooksService } from './domain/webhooks/webhooks.service.js'

export interface ServiceDeps {
  config: Pick<Config, 'policy' | 'pseudonymSecret' | 'webhookAllowPrivate' | 'cursorSecrets'>
  /** The primary: every write, and every read that must see the caller's own last write. */
  db: Db
  /** The heavy reads (claim lists, arbiter queue, sellers' stats and export); the primary when omitted. */
  readDb?: ReadDb
  clock: Clock
  storage: PhotoStorage
  log: Logger
}

export interface Services {
  orders: OrdersService
  orderList: OrderListService
  claims: ClaimsService
  openClaim: OpenClaimService
  claimActions: ClaimActionsService
  claimDeadlines: ClaimDeadlinesService
  arbiterQueue: ArbiterQueueService
  photos: PhotosService
  chat: ChatService
  violations: ViolationsService
  feed: FeedService
  webhooks: WebhooksService
  stats: StatsService
  officialDomains: OfficialDomainsService
}

/** Knobs with production defaults that tests and benches turn (never dependencies). */
export interface ServiceTuning {
  stats?: Partial<Pick<StatsServiceDeps, 'exportBatch' | 'maxPeriodDays' | 'skuLimit'>>
}

export function createServices(deps: ServiceDeps, tuning: ServiceTuning = {}): Services {
  const { config, db, clock, storage, log } = deps
  const readDb = deps.readDb ?? primaryReads(db)
  const { policy, pseudonymSecret } = config
  const photos = new PhotosService({ db, storage, policy, log })
  const cursors = new CursorCodec(config.cursorSecrets)
  const views = new ClaimViews({ policy, clock, pseudonymSecret, photos })
  const transitions = new ClaimTransitions({ policy, clock })
  return {
    orders: new OrdersService(db),
    orderList: new OrderListService({ db, clock, policy, cursors }),
    claims: new ClaimsService({ db, readDb, clock, pseudonymSecret, views, cursors }),
    openClaim: new OpenClaimService({ db, policy, clock, photos, views }),
    claimActions: new ClaimActionsService({ db, policy, clock, photos, views, transitions }),
    claimDeadlines: new ClaimDeadlinesService({ db, policy, clock, transitions }),
    arbiterQueue: new ArbiterQueueService({ readDb, views, cursors }),
    photos,
    chat: new ChatService({ db, policy, clock, pseudonymSecret, photos, cursors }),
    violations: new ViolationsService({ db, policy, clock, pseudonymSecret, cursors }),
    feed: new FeedService({ db, pseudonymSecret, cursors }),
    webhooks: new WebhooksService({ db, allowPrivate: config.webhookAllowPrivate, cursors }),
    stats: new StatsService({ readDb, clock, pseudonymSecret, ...tuning.stats }),
    officialDomains: new OfficialDomainsService({ db, policy, clock, cursors }),
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The services the routes were built with (createServices). */
    services: Services
  }
}
