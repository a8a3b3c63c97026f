// Pure steps of the claim machine for the service: the first snapshot of a
// claim, and the snapshot after an event. Same results as XState's
// `initialTransition` / `transition`, without their per-call cost: those build
// a throw-away actor whose constructor eagerly computes an initial snapshot
// with no input (statelyai/xstate#4774), which for this machine runs the
// context factory into a TypeError on every call (~55 µs of a ~85 µs step).
// This machine spawns and invokes nothing and its actions are all `assign`,
// so one inert scope, built once, serves every call.
import { createActor, type ActorScope, type SnapshotFrom } from 'xstate'
import { claimMachine } from './claim.machine.js'
import type { ClaimEvent, ClaimInput } from './claim.types.js'

export type ClaimSnapshot = SnapshotFrom<typeof claimMachine>

function inertScope(): ActorScope<ClaimSnapshot, ClaimEvent> {
  // Never started: it only lends its identity and system. Without input its
  // eager initial snapshot fails (once, here), which nothing reads.
  const self = createActor(claimMachine, { input: undefined as unknown as ClaimInput })
  const ignore = (): void => {}
  return {
    self,
    id: '',
    sessionId: '',
    system: self.system,
    logger: ignore,
    defer: ignore,
    emit: ignore,
    stopChild: ignore,
    // Nothing to run: every action of this machine is an assign, applied while the snapshot is computed.
    actionExecutor: ignore,
  }
}

let scope: ActorScope<ClaimSnapshot, ClaimEvent> | undefined
const shared = (): ActorScope<ClaimSnapshot, ClaimEvent> => (scope ??= inertScope())

/** The snapshot of a new claim. */
export function initialClaimSnapshot(input: ClaimInput): ClaimSnapshot {
  return claimMachine.getInitialSnapshot(shared(), input)
}

/** The snapshot after `event`; unchanged (same state) when no transition takes it. */
export function nextClaimSnapshot(snapshot: ClaimSnapshot, event: ClaimEvent): ClaimSnapshot {
  return claimMachine.transition(snapshot, event, shared())
}
