import { Type } from 'typebox'

export const DevTokenRequest = Type.Object(
  {
    role: Type.Union([Type.Literal('buyer'), Type.Literal('seller'), Type.Literal('arbiter')]),
    sub: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$', description: 'the party id' }),
    expires_in: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600, default: 8 * 3600, description: 'seconds' }),
    ),
  },
  { additionalProperties: false },
)

export const DevTokenResponse = Type.Object({
  token: Type.String(),
  role: Type.String(),
  sub: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
})
