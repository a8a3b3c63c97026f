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
