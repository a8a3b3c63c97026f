import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { forbiddenRole } from '../shared/errors.js'
import { principal } from '../http/auth.js'
import { IdParam, ref } from '../schemas/common.js'
import { OrderInput, OrderListQuery, OrderPage, OrderView } from '../schemas/orders.js'
import { IdempotencyHeaders, problems, success } from '../schemas/responses.js'
import type { OrdersService } from '../domain/orders/orders.service.js'
import type { OrderListService } from '../domain/orders/order-list.service.js'

export const orderRoutes: FastifyPluginAsyncTypebox<{ orders: OrdersService; orderList: OrderListService }> = async (
  app,
  { orders, orderList },
) => {
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
    '/v1/orders',
    {
      schema: {
        operationId: 'listOrders',
        tags: ['orders'],
        summary: 'The caller’s own orders, newest first (buyer, seller)',
        description:
          'Buyers get the orders they placed, sellers the orders placed with them (no buyer_id). Each line says ' +
          'whether a claim may be opened on it now (claim_window) and which claim is open on it; claim_limits ' +
          'are the policy photo limits a claim and a chat message must meet. Arbiters and the service read one order by id: 403 here.',
        querystring: OrderListQuery,
        response: {
          200: success(OrderPage, 'A page of orders'),
          ...problems({ 403: ['forbidden-role'], 422: ['validation-failed'] }),
        },
      },
    },
    async (request) => orderList.list(principal(request), request.query),
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
