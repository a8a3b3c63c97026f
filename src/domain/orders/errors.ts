// The orders domain's problems (docs/api.md lists every problem type).
import { DomainError, validation } from '../../shared/errors.js'

export const duplicateLineIds = (): DomainError => validation('line ids must be unique within an order')

export const orderPartiesImmutable = (orderId: string): DomainError =>
  new DomainError({
    status: 409,
    slug: 'order-parties-immutable',
    title: 'Order parties cannot change',
    detail: `order ${orderId} is already registered with other parties`,
  })

export const lineTotalTooLarge = (index: number, max: number): DomainError =>
  validation(`line ${index + 1}: quantity × unit_price must be at most ${max} minor units`, { field: `lines/${index}` })
