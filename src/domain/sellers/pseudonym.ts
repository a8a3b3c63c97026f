// Sellers never see a buyer's id: they see a pseudonym that is stable per
// seller (so they can tell repeat buyers apart) and differs across sellers.
import { createHmac } from 'node:crypto'

export function buyerPseudonym(secret: string, sellerId: string, buyerId: string): string {
  const digest = createHmac('sha256', secret).update(`${sellerId}\u0000${buyerId}`).digest('base64url')
  return `buyer-${digest.slice(0, 12)}`
}
