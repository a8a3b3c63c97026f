// Photos as claims and messages list them; the bytes are GET /v1/photos/:id/:variant.
import { Type } from 'typebox'
import { DateTime, stringEnum } from './common.js'

const variantMembers = {
  url: Type.String({ description: 'GET it with the same bearer token' }),
  width: Type.Integer(),
  height: Type.Integer(),
}
const variants = (withBytes: boolean) => {
  const v = Type.Object(
    { ...variantMembers, ...(withBytes ? { bytes: Type.Integer() } : {}) },
    { additionalProperties: false },
  )
  return Type.Object({ full: v, preview: v, thumb: v }, { additionalProperties: false })
}

const photoMembers = {
  id: Type.String({ format: 'uuid' }),
  mime: Type.String({ description: 'the media type of the variants (image/jpeg or image/webp)' }),
  variants: variants(true),
}

export const Photo = Type.Object(
  { ...photoMembers, uploaded_by: Type.String(), created_at: DateTime() },
  { $id: 'Photo', additionalProperties: false },
)

export const ClaimPhoto = Type.Object(
  {
    ...photoMembers,
    uploaded_by: Type.String(),
    created_at: DateTime(),
    source: stringEnum(['claim', 'message'] as const, {
      description: 'sent with the claim or an action, or in the claim’s chat thread',
    }),
    message_id: Type.Union([Type.String(), Type.Null()], {
      description: 'the chat message that carried it (source message)',
    }),
  },
  { $id: 'ClaimPhoto', additionalProperties: false },
)

export const PhotoReuse = Type.Object(
  {
    photo_id: Type.String({ format: 'uuid' }),
    other_claim_ids: Type.Array(Type.String({ format: 'uuid' })),
    distance: Type.Integer({
      minimum: 0,
      description: '0 for identical normalised bytes, else the smallest perceptual-hash distance',
    }),
  },
  { $id: 'PhotoReuse', additionalProperties: false },
)

/** A photo as the event feed carries it (no sizes in bytes). */
export const FeedPhoto = Type.Object({ ...photoMembers, variants: variants(false) }, { additionalProperties: false })

export const PhotoParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  variant: stringEnum(['full', 'preview', 'thumb'] as const),
})
