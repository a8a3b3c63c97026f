// A party's threads (claim and pre-sale) and sending a message, with photos over multipart.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, authorizedFetch } from '../client'
import { toProblem, unwrap } from '../problem'
import type { ResponseOf, ThreadPage } from '../types'
import { keys } from './keys'

export function useThreadList(claimsOnly: boolean, pageSize = 25) {
  return useInfiniteQuery({
    queryKey: ['threads', 'list', { claimsOnly }] as const,
    queryFn: ({ pageParam }) =>
      unwrap<ThreadPage>(
        api.GET('/v1/threads', {
          params: {
            query: { limit: pageSize, ...(claimsOnly ? { claims_only: true } : {}), ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })
}

export type Thread = ResponseOf<'/v1/threads/{id}', 'get'>

export function useThread(id: string) {
  return useQuery({
    queryKey: ['threads', id] as const,
    queryFn: () => unwrap<Thread>(api.GET('/v1/threads/{id}', { params: { path: { id } } })),
  })
}

/** Text alone goes as JSON; with photos, as a multipart form (the text may then be empty). */
export function useSendMessage(threadId: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async ({ text, photos }: { text: string; photos: File[] }) => {
      if (photos.length === 0) {
        return unwrap(api.POST('/v1/threads/{id}/messages', { params: { path: { id: threadId } }, body: { text } }))
      }
      const form = new FormData()
      form.set('text', text)
      for (const photo of photos) form.append('photos', photo, photo.name)
      const response = await authorizedFetch(`/v1/threads/${encodeURIComponent(threadId)}/messages`, {
        method: 'POST',
        body: form,
      })
      const body: unknown = await response.json().catch(() => null)
      if (!response.ok) throw toProblem(response.status, body)
      return body
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.messages(threadId) }),
  })
}
