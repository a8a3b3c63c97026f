// Persisting and restoring the machine's snapshot, and the policy slice the machine reads.
import type { StateValue } from 'xstate'
import { claimMachine, MACHINE_VERSION } from '../../../machines/claim.machine.js'
import { DEADLINE_KINDS, type ClaimContext, type MachinePolicy } from '../../../machines/claim.types.js'
import type { Policy } from '../../config/policy.js'
import { machineVersionMismatch } from './errors.js'
import type { ClaimSnapshot } from '../../../machines/claim.step.js'

export type { ClaimSnapshot }

export interface StoredSnapshot {
  value: StateValue
  context: ClaimContext
}

/** Built once per policy: every decision and every claim view reads it (frozen, so no caller can change it for the rest). */
const machinePolicies = new WeakMap<Policy, MachinePolicy>()

export function machinePolicy(policy: Policy): MachinePolicy {
  let slice = machinePolicies.get(policy)
  if (!slice) {
    slice = Object.freeze({
      durations: Object.freeze(
        Object.fromEntries(DEADLINE_KINDS.map((k) => [k, policy[k]])),
      ) as MachinePolicy['durations'],
      seller_silence: policy.seller_silence,
      auto_refund_max_amount: policy.auto_refund_max_amount,
      max_offers: policy.max_offers,
      abuse_reports_max: policy.abuse_reports_per_claim_max,
    })
    machinePolicies.set(policy, slice)
  }
  return slice
}

export function storeSnapshot(snapshot: ClaimSnapshot): string {
  const stored: StoredSnapshot = { value: snapshot.value, context: snapshot.context }
  return JSON.stringify(stored)
}

export function restoreSnapshot(stored: unknown, machineVersion: number): ClaimSnapshot {
  if (machineVersion !== MACHINE_VERSION) {
    throw machineVersionMismatch(machineVersion, MACHINE_VERSION)
  }
  return claimMachine.resolveState(stored as StoredSnapshot)
}

/** `escalated` is one contract state; its sub-state says where the arbiter stands. */
export function stateNames(value: StateValue): { state: string; arbiter_status: string | null } {
  if (typeof value === 'string') return { state: value, arbiter_status: null }
  const [state, sub] = Object.entries(value)[0] as [string, StateValue]
  return { state, arbiter_status: typeof sub === 'string' ? sub : null }
}
