// Photo bytes for the parties of the photo's claim or chat thread: private
// caching, strong ETag from the photo's content hash, 304 on If-None-Match.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { principal } from '../http/auth.js'
import { PhotoParams } from '../schemas/photos.js'
import { mediaBody, noBody, problems } from '../schemas/responses.js'
import { canSeeClaim } from '../domain/claims/claim-access.js'
import type { PhotosService } from '../domain/photos/photos.service.js'

/** A photo's variant never changes under its id; access does not either (the claim's or thread's parties). */
export const PHOTO_CACHE_CONTROL = 'private, max-age=86400, immutable'

export const photoRoutes: FastifyPluginAsyncTypebox<{ photos: PhotosService }> = async (app, { photos }) => {
  app.get(
    '/v1/photos/:id/:variant',
    {
      schema: {
        operationId: 'getPhoto',
        tags: ['photos'],
        summary: 'A claim or chat photo (full, preview or thumb) for the parties of its claim or thread',
        description: 'The buyer and seller of the claim or thread, arbiters and the service; 404 for everyone else.',
        params: PhotoParams,
        headers: Type.Object({
          'if-none-match': Type.Optional(
            Type.String({ description: 'the ETag of a copy you hold: 304 if it still matches' }),
          ),
        }),
        response: {
          200: mediaBody(['image/jpeg', 'image/webp'], { type: 'string', format: 'binary' }, 'The photo bytes', [
            'photoEtag',
            'cacheControl',
            'contentDisposition',
          ]),
          304: noBody('The copy named by If-None-Match is current', ['photoEtag', 'cacheControl']),
          ...problems({ 404: ['not-found'] }),
        },
      },
    },
    async (request, reply) => {
      const ifNoneMatch = request.headers['if-none-match']
      const served = await photos.serve(
        principal(request),
        request.params.id,
        request.params.variant,
        canSeeClaim,
        ifNoneMatch,
      )
      reply.header('etag', served.etag).header('cache-control', PHOTO_CACHE_CONTROL).header('vary', 'authorization')
      if (!served.body) return reply.code(304).send()
      return reply
        .type(served.mime)
        .header('content-length', served.body.size)
        .header('x-content-type-options', 'nosniff')
        .header(
          'content-disposition',
          `inline; filename="${request.params.id}-${request.params.variant}.${served.mime === 'image/webp' ? 'webp' : 'jpg'}"`,
        )
        .send(served.body.stream)
    },
  )
}
