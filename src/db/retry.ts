/** SQLSTATEs after which running the same work again can succeed. */
const RETRYABLE_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01' // deadlock_detected
])

/** Attempts per unit of work, the first included. */
export const MAX_ATTEMPTS = 3

export function isRetryable (error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code)
}

/**
 * Runs `work` and runs it again, up to MAX_ATTEMPTS in all, while it fails
 * with a serialization failure or a deadlock. Postgres has rolled back the
 * failed statement or transaction, so the retry starts clean. The last
 * error is rethrown, and the error handler turns it into a 503.
 */
export async function withRetry<T> (work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) {
        throw error
      }
      // Jittered backoff: 10-20 ms, then 20-40 ms.
      const delayMs = 10 * 2 ** (attempt - 1) * (1 + Math.random())
      await new Promise((resolve) => setTimeout(resolve, delayMs))
    }
  }
}
