import { useQuery } from '@tanstack/react-query'
import { api } from '../client'
import { unwrap } from '../problem'
import type { QueryOf, ViolationPage } from '../types'
import { keys } from './keys'

type ViolationQuery = QueryOf<'/v1/violations'>

export function useViolations(query: ViolationQuery, enabled = true) {
  return useQuery({
    queryKey: keys.violations(query),
    queryFn: () => unwrap<ViolationPage>(api.GET('/v1/violations', { params: { query } })),
    enabled,
  })
}
