// The signed-in session: a token handed over in the address bar (/#token=<jwt>), kept in
// sessionStorage (this tab only, gone when it closes), and ended on a 401 or at expiry.
import { readToken, type TokenClaims } from './token'

const STORAGE_KEY = 'claimdesk.token'

export type SignOutReason = 'unauthorized' | 'expired' | 'invalid' | 'signed_out'

export type SessionState =
  { status: 'signed_in'; token: string; claims: TokenClaims } | { status: 'signed_out'; reason: SignOutReason | null }

type Listener = () => void

function createSession() {
  const listeners = new Set<Listener>()
  let state: SessionState = { status: 'signed_out', reason: null }
  let expiryTimer: ReturnType<typeof setTimeout> | undefined

  const emit = () => listeners.forEach((listener) => listener())

  function set(next: SessionState) {
    clearTimeout(expiryTimer)
    state = next
    if (next.status === 'signed_in' && next.claims.expiresAt !== undefined) {
      // setTimeout holds at most ~24.8 days; a longer token is re-checked then.
      const wait = Math.min(next.claims.expiresAt - Date.now(), 2 ** 31 - 1)
      expiryTimer = setTimeout(() => (isExpired(next.claims) ? end('expired') : set(next)), Math.max(wait, 0))
    }
    emit()
  }

  function isExpired(claims: TokenClaims) {
    return claims.expiresAt !== undefined && claims.expiresAt <= Date.now()
  }

  function begin(token: string): SessionState {
    const claims = readToken(token)
    if (!claims) {
      sessionStorage.removeItem(STORAGE_KEY)
      set({ status: 'signed_out', reason: 'invalid' })
    } else if (isExpired(claims)) {
      sessionStorage.removeItem(STORAGE_KEY)
      set({ status: 'signed_out', reason: 'expired' })
    } else {
      sessionStorage.setItem(STORAGE_KEY, token)
      set({ status: 'signed_in', token, claims })
    }
    return state
  }

  function end(given: SignOutReason) {
    // A 401 for a token that has run out meanwhile is its expiry, not a refusal.
    const reason =
      given === 'unauthorized' && state.status === 'signed_in' && isExpired(state.claims) ? 'expired' : given
    if (state.status === 'signed_out' && state.reason === reason) return
    sessionStorage.removeItem(STORAGE_KEY)
    set({ status: 'signed_out', reason })
  }

  /**
   * At start-up, before anything renders: a token in the hash wins over a stored one,
   * and leaves the address bar (and so the history, bookmarks and referrers) at once.
   */
  function restore(location: Location, history: History) {
    const handed = new URLSearchParams(location.hash.replace(/^#/, '')).get('token')
    if (handed !== null) {
      history.replaceState(history.state, '', location.pathname + location.search)
      begin(handed)
      return
    }
    const stored = sessionStorage.getItem(STORAGE_KEY)
    if (stored) begin(stored)
  }

  return {
    restore,
    begin,
    end,
    get: () => state,
    token: () => (state.status === 'signed_in' && !isExpired(state.claims) ? state.token : null),
    subscribe(listener: Listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

export const session = createSession()
