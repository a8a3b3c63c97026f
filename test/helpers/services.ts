// The services of the composition root over a bare database, for tests that
// drive services without an app (workers against a private Postgres, photos).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createServices, type Services } from '../../src/composition.js'
import type { Policy } from '../../src/config/policy.js'
import type { Db } from '../../src/db/database.js'
import type { PhotoStorage } from '../../src/domain/photos/pipeline/index.js'
import { createStorage } from '../../src/domain/photos/pipeline/index.js'
import { systemClock, type Clock } from '../../src/shared/clock.js'
import { silentLogger } from '../../src/shared/logger.js'

export interface BareServicesOptions {
  policy: Policy
  pseudonymSecret?: string
  clock?: Clock
  storage?: PhotoStorage
}

export function bareServices(db: Db, opts: BareServicesOptions): Services {
  return createServices({
    config: {
      policy: opts.policy,
      pseudonymSecret: opts.pseudonymSecret ?? 'test-pseudonym-secret',
      webhookAllowPrivate: true,
      cursorSecrets: ['test-cursor-secret-0123456789'],
    },
    db,
    clock: opts.clock ?? systemClock,
    storage:
      opts.storage ?? createStorage({ kind: 'local', dir: mkdtempSync(path.join(tmpdir(), 'claimdesk-photos-')) }),
    log: silentLogger,
  })
}
