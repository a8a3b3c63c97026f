// Whether this server has the development sign-in (POST /v1/dev/tokens): an empty body
// gets a 400 where the route exists and a 404 where it does not (production). Writes nothing.
import { useQuery } from '@tanstack/react-query'

export function useDevSignInAvailable(): boolean {
  const probe = useQuery({
    queryKey: ['dev-sign-in-available'],
    queryFn: async () => {
      const response = await fetch('/v1/dev/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      return response.status === 400
    },
    staleTime: Infinity,
    retry: false,
  })
  return probe.data === true
}
