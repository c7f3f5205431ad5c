import { STATUS_CODES } from 'node:http'

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
}

/**
 * Problem types the API sends, by status. The `type` member is the relative
 * URI `/problems/<name>`; docs/errors.md lists the same names and a test
 * keeps the two in step. A status missing here is sent as `about:blank`.
 */
export const PROBLEM_TYPES: Record<number, { name: string, title: string }> = {
  400: { name: 'invalid-request', title: 'Invalid request' },
  404: { name: 'not-found', title: 'Not found' },
  405: { name: 'method-not-allowed', title: 'Method not allowed' },
  409: { name: 'conflict', title: 'Conflict' },
  413: { name: 'payload-too-large', title: 'Payload too large' },
  415: { name: 'unsupported-media-type', title: 'Unsupported media type' },
  422: { name: 'unprocessable-content', title: 'Unprocessable content' },
  500: { name: 'internal-error', title: 'Internal server error' },
  503: { name: 'unavailable', title: 'Service unavailable' }
}

/**
 * An error that becomes an RFC 9457 problem response. Its detail is sent to
 * the client as is, so it must never carry driver text or internals.
 */
export class HttpProblem extends Error {
  override name = 'HttpProblem'

  constructor (
    readonly status: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(detail)
  }

  toBody (): ProblemBody {
    return problemBody(this.status, this.detail)
  }
}

/** Builds the problem body for a status, with its type and title from PROBLEM_TYPES. */
export function problemBody (status: number, detail: string): ProblemBody {
  const known = PROBLEM_TYPES[status]
  return {
    type: known === undefined ? 'about:blank' : `/problems/${known.name}`,
    title: known?.title ?? STATUS_CODES[status] ?? 'Error',
    status,
    detail
  }
}

export function notFound (detail: string): HttpProblem {
  return new HttpProblem(404, detail)
}

export function badRequest (detail: string): HttpProblem {
  return new HttpProblem(400, detail)
}
