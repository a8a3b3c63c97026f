// What the API accepts for a message's photos (docs/photos.md), checked before the upload
// so a wrong file is named at once; the server checks again and may still refuse one.
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/heic', 'image/heif']
export const PHOTO_BYTES_MAX = 10 * 1024 * 1024
export const PHOTOS_PER_MESSAGE_MAX = 5

export type PhotoProblem = 'type' | 'size'

export function photoProblem(file: File): PhotoProblem | null {
  if (!PHOTO_TYPES.includes(file.type)) return 'type'
  if (file.size > PHOTO_BYTES_MAX) return 'size'
  return null
}
