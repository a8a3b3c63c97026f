// A multipart POST with upload progress. fetch() reports no upload progress, so
// photos go through XMLHttpRequest; the token and the 401 sign-out are as in client.ts.
import { session } from '../auth/session'
import { toProblem } from './problem'

export interface UploadProgress {
  loaded: number
  total: number
}

export function postMultipart<T>(path: string, form: FormData, onProgress: (p: UploadProgress) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    const token = session.token()
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`)
    xhr.setRequestHeader('accept', 'application/json, application/problem+json')
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress({ loaded: e.loaded, total: e.total })
    }
    xhr.onload = () => {
      if (xhr.status === 401) session.end('unauthorized')
      let body: unknown = null
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        body = { title: `HTTP ${xhr.status}`, detail: xhr.responseText.slice(0, 200) }
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T)
      else reject(toProblem(xhr.status, body))
    }
    xhr.onerror = () => reject(toProblem(0, { title: 'Network error', detail: 'the upload did not reach the service' }))
    xhr.send(form)
  })
}
