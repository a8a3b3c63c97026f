// The one role check: a caller whose role can never do this gets a 403
// (action-forbidden), whatever the object; object access stays a 404.
import { forbidden } from '../shared/errors.js'
import type { Principal, PrincipalRole } from './principal.js'

export function requireRole<R extends PrincipalRole>(
  principal: Principal,
  roles: readonly R[],
  detail: string,
): Principal & { role: R } {
  if (!(roles as readonly PrincipalRole[]).includes(principal.role)) throw forbidden(detail)
  return principal as Principal & { role: R }
}
