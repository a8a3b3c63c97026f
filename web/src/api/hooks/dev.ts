// Development only: the API answers 404 for this in production.
import { useMutation } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { DevToken } from '../types'

export function useDevToken() {
  return useMutation({
    mutationFn: (body: { role: 'buyer' | 'seller' | 'arbiter'; sub: string }) =>
      unwrap<DevToken>(api.POST('/v1/dev/tokens', { body })),
  })
}
