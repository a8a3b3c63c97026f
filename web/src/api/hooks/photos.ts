// Photo bytes need the bearer token, so an <img> cannot fetch them itself: they are
// fetched here and shown from an object URL, revoked when the cache drops the entry.
import { type QueryClient, useQuery } from '@tanstack/react-query'
import { authorizedFetch } from '../client'
import { toProblem } from '../problem'
import { keys } from './keys'

export type PhotoVariant = 'thumb' | 'preview' | 'full'

export function usePhotoUrl(photoId: string, variant: PhotoVariant) {
  return useQuery({
    queryKey: keys.photo(photoId, variant),
    queryFn: async () => {
      const response = await authorizedFetch(`/v1/photos/${encodeURIComponent(photoId)}/${variant}`)
      if (!response.ok) throw toProblem(response.status, await response.json().catch(() => null))
      return URL.createObjectURL(await response.blob())
    },
    staleTime: Infinity,
    gcTime: 5 * 60_000,
  })
}

/** Frees a photo's object URL when its cache entry is garbage-collected (app/providers.tsx). */
export function revokePhotoUrlsOnRemoval(client: QueryClient): () => void {
  return client.getQueryCache().subscribe((event) => {
    const data: unknown = event.query.state.data
    if (event.type === 'removed' && event.query.queryKey[0] === 'photos' && typeof data === 'string') {
      URL.revokeObjectURL(data)
    }
  })
}
