import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { forbiddenRole } from '../shared/errors.js'
import { principal } from '../http/auth.js'
import { IdParam, ref } from '../schemas/common.js'
import { OrderInput, OrderView } from '../schemas/orders.js'
import { IdempotencyHeaders, problems, success } from '../schemas/responses.js'
import type { OrdersService } from '../domain/orders/orders.service.js'

export const orderRoutes: FastifyPluginAsyncTypebox<{ orders: OrdersService }> = async (app, { orders }) => {
  app.post(
    '/v1/orders',
    {
      schema: {
        operationId: 'registerOrder',
        tags: ['orders'],
        summary: 'Register or update an order (role service)',
        headers: IdempotencyHeaders,
        body: OrderInput,
        response: {
          200: success(ref(OrderView), 'The order was known: updated', ['replayed']),
          201: success(ref(OrderView), 'The order was registered', ['replayed']),
          ...problems(
            { 403: ['forbidden-role'], 409: ['order-parties-immutable'], 422: ['validation-failed'] },
            { body: true, write: true },
          ),
        },
      },
    },
    async (request, reply) => {
      if (principal(request).role !== 'service') throw forbiddenRole('only the marketplace service registers orders')
      const { order, created } = await orders.register(request.body)
      return reply.code(created ? 201 : 200).send(order)
    },
  )

  app.get(
    '/v1/orders/:id',
    {
      schema: {
        operationId: 'getOrder',
        tags: ['orders'],
        summary: 'Read an order',
        description: 'Its buyer, seller, arbiters and the service; sellers get no buyer_id.',
        params: IdParam,
        response: { 200: success(ref(OrderView), 'The order'), ...problems({ 404: ['not-found'] }) },
      },
    },
    async (request) => orders.get(principal(request), request.params.id),
  )
}
