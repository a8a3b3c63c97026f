import { useSyncExternalStore } from 'react'
import { session, type SessionState } from './session'

export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.get)
}

/** The signed-in claims; only for pages under RequireRole. */
export function useSignedIn() {
  const state = useSession()
  if (state.status !== 'signed_in') throw new Error('useSignedIn outside a signed-in page')
  return state.claims
}
