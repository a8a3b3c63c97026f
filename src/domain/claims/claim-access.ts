// Who may see a claim (docs/security.md): its buyer, its seller, arbiters and
// the marketplace service. Everyone else is told it does not exist (404).
import type { Principal } from '../../auth/principal.js'
import type { ClaimRow } from '../../db/schema.js'

export function canSeeClaim(principal: Principal, row: Pick<ClaimRow, 'buyer_id' | 'seller_id'>): boolean {
  switch (principal.role) {
    case 'buyer':
      return row.buyer_id === principal.id
    case 'seller':
      return row.seller_id === principal.id
    case 'arbiter':
    case 'service':
      return true
  }
}
