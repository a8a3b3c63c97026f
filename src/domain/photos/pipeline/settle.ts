// Promise.all for work that reads shared memory: it rejects only once every
// promise has settled, so when it returns (either way) nothing still runs.
// The photo pipeline relies on it before the upload's buffer is reused.

/** Like Promise.all, but waits for every promise to settle before rejecting with the first failure (in argument order). */
export async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T
}
