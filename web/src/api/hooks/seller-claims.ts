// The seller's claims list (GET /v1/claims with the list's filters) and its CSV export.
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, authorizedFetch } from '../client'
import { toProblem, unwrap } from '../problem'
import type { QueryOf, ResponseOf } from '../types'

export type ClaimListQuery = QueryOf<'/v1/claims'>
export type ClaimList = ResponseOf<'/v1/claims', 'get'>
export type CsvQuery = QueryOf<'/v1/sellers/me/claims.csv'>

export const sellerClaimsKey = (query: object) => ['claims', 'list', query] as const

export function useClaimList(query: ClaimListQuery) {
  return useQuery({
    queryKey: sellerClaimsKey(query),
    queryFn: () => unwrap<ClaimList>(api.GET('/v1/claims', { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  })
}

/** The CSV of every claim the filters match, fetched with the token and handed to the browser as a download. */
export async function downloadClaimsCsv(query: CsvQuery, fileName: string): Promise<void> {
  const search = new URLSearchParams(
    Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
  )
  const response = await authorizedFetch(`/v1/sellers/me/claims.csv?${search.toString()}`)
  if (!response.ok) throw toProblem(response.status, await response.json().catch(() => null))
  const url = URL.createObjectURL(await response.blob())
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.append(link)
  link.click()
  link.remove()
  // The browser has the bytes once click() returns; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 1_000)
}
