// A message's photos checked against the service's policy before the upload, so a wrong file
// is named at once; the service checks the bytes again and may still refuse one.
import type { PhotoLimits } from '../../api/hooks/orders'

export type PhotoProblem = 'type' | 'size'

export function photoProblem(file: File, limits: PhotoLimits): PhotoProblem | null {
  // An empty type (some phones' HEIC) is left to the service, which reads the bytes.
  if (file.type && !limits.photo_types.includes(file.type)) return 'type'
  if (file.size > limits.photo_bytes_max) return 'size'
  return null
}
