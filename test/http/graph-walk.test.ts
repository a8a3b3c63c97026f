// Every transition of the machine, driven over HTTP against real Postgres:
// the graph generator supplies a path to each transition's source state, and
// the walk replays it through the API (deadlines through the service, as the
// workers would), checking each step lands where the machine says.
import t from 'tap'
import { transition } from 'xstate'
import { claimMachine } from '../../machines/claim.machine.js'
import type { ClaimEvent } from '../../machines/claim.types.js'
import type { ClaimDeadlinesService } from '../../src/domain/claims/claim-deadlines.service.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'
import { candidateEvents, declaredTransitions, LINE_TOTAL, shortestPaths, statePath, T0 } from '../machine/graph.js'

const ONE_DAY_EACH = Object.fromEntries(
  [
    'seller_response',
    'seller_after_decline',
    'buyer_info',
    'buyer_offer',
    'dispute_window',
    'return_ship',
    'return_receive',
    'fulfil',
    'receipt',
    'arbiter_decision',
    'arbiter_info',
  ].map((k) => [k, 'P1D']),
)

interface Walk {
  events: ClaimEvent[]
  edge: string
}

/** For each declared transition, the events that reach its source and then take it. */
function walks(): Walk[] {
  const out = new Map<string, Walk>()
  for (const path of shortestPaths()) {
    for (const event of candidateEvents(path.state)) {
      if (!path.state.can(event)) continue
      const [next] = transition(claimMachine, path.state, event)
      const edge = `${statePath(path.state.value)} --${event.type}--> ${statePath(next.value)}`
      const events = [
        ...path.steps.map((s) => s.event as ClaimEvent).filter((e) => e.type !== ('xstate.init' as string)),
        event,
      ]
      const known = out.get(edge)
      if (!known || known.events.length > events.length) out.set(edge, { events, edge })
    }
  }
  return [...out.values()]
}

/** Moves the test clock forward only: to just past the deadline an event needs, or not at all. */
async function send(app: TestApp, service: ClaimDeadlinesService, claimId: string, event: ClaimEvent): Promise<void> {
  const pending = await app.db
    .selectFrom('deadlines')
    .select(['id', 'kind', 'due_at'])
    .where('claim_id', '=', claimId)
    .where('status', '=', 'pending')
    .orderBy('due_at')
    .execute()
  if (event.type === 'deadline_expired') {
    const row = pending.find((d) => d.kind === event.kind)
    if (!row) throw new Error(`no pending ${event.kind} deadline`)
    app.clock.current = Math.max(app.clock.current, row.due_at.getTime() + 1)
    const outcome = await service.expireDeadline(row.id)
    if (outcome !== 'applied') throw new Error(`deadline ${event.kind} was not applied`)
    return
  }
  if (event.type === 'escalate' && pending[0]) {
    app.clock.current = Math.max(app.clock.current, pending[0].due_at.getTime() + 1)
  }
  const { type, actor, at: _at, policy: _policy, ...params } = event as ClaimEvent & Record<string, unknown>
  const res = await act(app, [actor.role as 'buyer', actor.id], claimId, { action: type, ...params })
  if (res.statusCode !== 200) throw new Error(`${type} as ${actor.role}: ${res.statusCode} ${res.body}`)
}

t.test('every declared transition works end to end over HTTP', async (t) => {
  const escalateApp = await buildTestApp(t, { ...ONE_DAY_EACH, seller_silence: 'escalate' })
  const refundApp = await buildTestApp(t, { ...ONE_DAY_EACH, seller_silence: 'auto_refund' })
  const services = new Map<TestApp, ClaimDeadlinesService>()
  for (const app of [escalateApp, refundApp]) {
    services.set(app, app.services.claimDeadlines)
  }
  const all = walks()
  const declared = declaredTransitions()
  t.equal(all.length, declared.size, 'a walk exists for every declared transition')

  for (const walk of all) {
    const autoRefund = walk.events.some(
      (e) => e.type === 'deadline_expired' && e.policy.seller_silence === 'auto_refund',
    )
    const app = autoRefund ? refundApp : escalateApp
    const service = services.get(app) as ClaimDeadlinesService
    app.clock.current = T0
    const order = await registerOrder(app, { unitPrice: LINE_TOTAL })
    const claim = await openClaim(app, order)
    try {
      for (const event of walk.events) await send(app, service, claim.id, event)
      const view = (await app.call(['arbiter', 'arb-1'], { method: 'GET', url: `/v1/claims/${claim.id}` })).json()
      const expected = walk.edge.split('--> ')[1] as string
      const actual = view.arbiter_status ? `${view.state}.${view.arbiter_status}` : view.state
      t.equal(actual, expected, walk.edge)
      const events = (
        await app.call(['arbiter', 'arb-1'], { method: 'GET', url: `/v1/claims/${claim.id}/events` })
      ).json().items
      t.same(
        events.map((e: { seq: number }) => e.seq),
        Array.from({ length: events.length }, (_, i) => i + 1),
        `${walk.edge}: audit trail has no gap`,
      )
    } catch (err) {
      t.fail(`${walk.edge}: ${(err as Error).message}`)
    }
  }
})
