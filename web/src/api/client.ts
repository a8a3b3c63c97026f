// The one API client: openapi-fetch over the generated `paths` type, with the
// session's bearer token on every call and a sign-out on any 401.
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { session } from '../auth/session'

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token()
    if (token) request.headers.set('authorization', `Bearer ${token}`)
    return request
  },
  onResponse({ response }) {
    if (response.status === 401) session.end('unauthorized')
    return response
  },
}

export const api = createClient<paths>({ baseUrl: window.location.origin })
api.use(auth)

/** fetch() with the session's token, for what openapi-fetch does not parse (photo bytes). */
export async function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  const token = session.token()
  if (token) headers.set('authorization', `Bearer ${token}`)
  const response = await fetch(path, { ...init, headers })
  if (response.status === 401) session.end('unauthorized')
  return response
}
