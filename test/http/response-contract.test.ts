// The test app's response checks catch what the document would lie about.
import t from 'tap'
import Fastify, { type FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { registerProblemHandlers } from '../../src/http/problem.js'
import { DomainError } from '../../src/shared/errors.js'
import { problems, success } from '../../src/schemas/responses.js'
import { responseContract } from '../helpers/response-contract.js'

t.test('undeclared statuses, wrong bodies and unlisted problem types are reported', async (t) => {
  const reports: string[] = []
  const app = Fastify()
  registerProblemHandlers(app)
  await app.register(responseContract((message) => reports.push(message)))
  for (const SHARED of (await import('../../src/http/openapi.js')).SHARED_SCHEMAS) app.addSchema(SHARED)
  const response = { 200: success(Type.Object({ n: Type.Integer() }), 'ok'), ...problems({ 404: ['not-found'] }) }
  app.get('/good', { schema: { response } }, async () => ({ n: 1 }))
  app.get('/bad-body', { schema: { response } }, async (_req, reply) =>
    reply.type('application/json').send(JSON.stringify({ n: 'one' })),
  )
  app.get('/undeclared', { schema: { response } }, async (_req, reply) =>
    (reply as FastifyReply).code(201).send({ n: 1 }),
  )
  app.get('/unlisted', { schema: { response } }, async () => {
    throw new DomainError({ status: 404, slug: 'gone-fishing', title: 'Gone' })
  })
  app.get('/listed', { schema: { response } }, async () => {
    throw new DomainError({ status: 404, slug: 'not-found', title: 'Not found' })
  })
  for (const url of ['/good', '/bad-body', '/undeclared', '/unlisted', '/listed']) await app.inject({ url })
  await app.close()
  t.equal(reports.length, 3, reports.join('\n'))
  t.match(reports[0], /GET \/bad-body → 200: the body does not match/)
  t.match(reports[1], /GET \/undeclared → 201: status 201 is not declared/)
  t.match(reports[2], /GET \/unlisted → 404: problem type .*gone-fishing is not listed/)
})
