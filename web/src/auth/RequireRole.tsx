// Guards a face: signed out → the signed-out page; another role → that role's own start page.
import type { ReactNode } from 'react'
import { Navigate } from 'react-router'
import type { Role } from './token'
import { useSession } from './useSession'

export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const state = useSession()
  if (state.status === 'signed_out') return <Navigate to="/signed-out" replace />
  if (state.claims.role !== role) return <Navigate to={`/${state.claims.role}`} replace />
  return <>{children}</>
}

/** `/`: where a signed-in person starts. */
export function RoleHome() {
  const state = useSession()
  if (state.status === 'signed_out') return <Navigate to="/signed-out" replace />
  return <Navigate to={`/${state.claims.role}`} replace />
}
