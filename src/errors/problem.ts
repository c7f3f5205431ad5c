import { STATUS_CODES } from 'node:http'

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
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

/** Builds a problem body whose type is `about:blank`, so the title is the status text. */
export function problemBody (status: number, detail: string): ProblemBody {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
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
