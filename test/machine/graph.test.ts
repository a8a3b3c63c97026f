import t from 'tap'
import { initialTransition, transition } from 'xstate'
import { claimMachine } from '../../machines/claim.machine.js'
import { initialClaimSnapshot, nextClaimSnapshot } from '../../machines/claim.step.js'
import { basePolicy, candidateEvents, declaredTransitions, LINE_TOTAL, shortestPaths, statePath, T0 } from './graph.js'

const paths = shortestPaths()

t.test('every state of the contract is reached', async (t) => {
  const reached = new Set(paths.map((p) => statePath(p.state.value)))
  for (const state of [
    'awaiting_seller',
    'awaiting_buyer_info',
    'offer_pending',
    'rejected',
    'awaiting_return',
    'return_in_transit',
    'fulfilling',
    'awaiting_receipt',
    'escalated.unassigned',
    'escalated.under_review',
    'escalated.awaiting_info',
    'resolved',
    'closed',
    'withdrawn',
  ]) {
    t.ok(reached.has(state), `${state} is reachable`)
  }
})

t.test('every declared transition is taken from some reachable state', async (t) => {
  const taken = new Set<string>()
  for (const path of paths) {
    for (const event of candidateEvents(path.state)) {
      if (!path.state.can(event)) continue
      const [next] = transition(claimMachine, path.state, event)
      taken.add(`${statePath(path.state.value)} --${event.type}--> ${statePath(next.value)}`)
    }
  }
  const declared = declaredTransitions()
  t.ok(declared.size > 40, `the machine declares ${declared.size} transitions`)
  for (const edge of declared) t.ok(taken.has(edge), edge)
})

t.test('final states accept nothing', async (t) => {
  const finals = paths.filter((p) => p.state.status === 'done')
  t.ok(finals.length >= 3)
  for (const path of finals) {
    const accepted = candidateEvents(path.state).filter((e) => path.state.can(e))
    t.same(accepted, [], `${statePath(path.state.value)} accepts no event`)
    t.same(path.state.context.deadlines, [], 'and holds no deadline')
  }
})

t.test('a state that waits on someone holds exactly the deadline of the contract table', async (t) => {
  const expected: Record<string, string[]> = {
    awaiting_buyer_info: ['buyer_info'],
    offer_pending: ['buyer_offer'],
    rejected: ['dispute_window'],
    awaiting_return: ['return_ship'],
    return_in_transit: ['return_receive'],
    fulfilling: ['fulfil'],
    awaiting_receipt: ['receipt'],
    'escalated.unassigned': ['arbiter_decision'],
    'escalated.awaiting_info': ['arbiter_decision', 'arbiter_info'],
  }
  for (const path of paths) {
    const name = statePath(path.state.value)
    const kinds = path.state.context.deadlines.map((d) => d.kind).sort()
    if (name === 'awaiting_seller')
      t.ok(['seller_response', 'seller_after_decline'].includes(kinds[0] ?? ''), `${name}: ${kinds}`)
    else if (expected[name] && !path.state.context.arbiter.overdue) t.same(kinds, expected[name], name)
  }
})

t.test("the service's shared-scope step agrees with XState's own pure transition on every edge", async (t) => {
  let edges = 0
  for (const path of paths) {
    for (const event of candidateEvents(path.state)) {
      if (!path.state.can(event)) continue
      const [expected] = transition(claimMachine, path.state, event)
      const actual = nextClaimSnapshot(path.state, event)
      t.same(
        { value: actual.value, context: actual.context, status: actual.status },
        { value: expected.value, context: expected.context, status: expected.status },
      )
      edges++
    }
  }
  t.ok(edges > 40, `${edges} edges compared`)
  const input = { line_total: LINE_TOTAL, at: T0, policy: basePolicy() }
  const [expected] = initialTransition(claimMachine, input)
  const actual = initialClaimSnapshot(input)
  t.same(
    { value: actual.value, context: actual.context },
    { value: expected.value, context: expected.context },
    'and on the first snapshot',
  )
  t.equal(actual.context.deadlines.length, 1, 'a new claim holds its seller deadline')
})
