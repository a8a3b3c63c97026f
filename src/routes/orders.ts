import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { forbiddenRole } from '../shared/errors.js'
import { principal } from '../http/auth.js'
import { IdParam } from '../schemas/common.js'
import { OrderInput } from '../schemas/orders.js'
import type { OrdersService } from '../domain/orders/orders.service.js'

export const orderRoutes: FastifyPluginAsyncTypebox<{ orders: OrdersService }> = async (app, { orders }) => {
  app.post(
    '/v1/orders',
    { schema: { tags: ['orders'], summary: 'Register or update an order (role service)', body: OrderInput } },
    async (request, reply) => {
      if (principal(request).role !== 'service') throw forbiddenRole('only the marketplace service registers orders')
      const { order, created } = await orders.register(request.body)
      return reply.code(created ? 201 : 200).send(order)
    },
  )

  app.get(
    '/v1/orders/:id',
    { schema: { tags: ['orders'], summary: 'Read an order', params: IdParam } },
    async (request) => orders.get(principal(request), request.params.id),
  )
}
