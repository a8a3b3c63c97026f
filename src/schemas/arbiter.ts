import { Type } from 'typebox'
import { defaultsOptional, stringEnum } from './common.js'

export const ArbiterQueueQuery = defaultsOptional(
  Type.Object(
    {
      assignee: Type.Optional(
        stringEnum(['me', 'unassigned'] as const, {
          description: 'me: taken by the caller; unassigned: nobody took it yet',
        }),
      ),
      overdue: Type.Optional(
        Type.Boolean({ description: 'only claims whose arbiter_decision deadline passed (or only those on time)' }),
      ),
      limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
      cursor: Type.Optional(Type.String({ maxLength: 512 })),
    },
    { additionalProperties: false },
  ),
)
