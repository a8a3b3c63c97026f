import { Type } from 'typebox'

export const Problem = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.String(),
    request_id: Type.String(),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details' },
)

export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) })
export const UuidParam = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
}
