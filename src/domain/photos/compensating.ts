// Photos are stored before the transaction that writes their rows (image work
// never runs under row locks), so a failed transaction must delete them again.
import type { PhotosService, PreparedPhoto } from './photos.service.js'

/**
 * Runs `run` (the transaction, and any refusal thrown after it commits); if
 * it throws, deletes the photos `prepare` stored for it and rethrows.
 * `discard` never throws, so the caller always sees the original error.
 */
export async function compensating<T>(
  photos: Pick<PhotosService, 'discard'>,
  prepared: PreparedPhoto[],
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (prepared.length > 0) await photos?.discard(prepared)
    throw err
  }
}
