import pg from 'pg'
import { HttpProblem } from './problem.js'

/** Seconds a client should wait before retrying after a 503. */
const RETRY_AFTER_SECONDS = '1'

/** API field named by each constraint, so errors never expose constraint names. */
const CONSTRAINT_FIELDS: Record<string, string> = {
  authors_name_not_empty: 'name',
  authors_bio_length: 'bio',
  books_title_length: 'title',
  books_isbn_valid: 'isbn',
  books_isbn_key: 'isbn',
  books_author_id_fkey: 'authorId',
  authors_id_range: 'id',
  books_id_range: 'id',
  books_published_on_range: 'publishedOn',
  books_tags_flat: 'tags',
  authors_created_at_range: 'createdAt',
  authors_updated_at_range: 'updatedAt',
  books_created_at_range: 'createdAt',
  books_updated_at_range: 'updatedAt'
}

// Node's and pg's errors for a connection that cannot be made or was lost.
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'
])
const CONNECTION_ERROR_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end on the pool'
]

function isConnectionError (error: Error): boolean {
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) {
    return true
  }
  return CONNECTION_ERROR_MESSAGES.some((text) => error.message.startsWith(text))
}

function unavailable (detail: string): HttpProblem {
  return new HttpProblem(503, detail, { 'retry-after': RETRY_AFTER_SECONDS })
}

function camelCase (column: string): string {
  return column.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase())
}

/**
 * Names the API field behind a constraint error: from CONSTRAINT_FIELDS,
 * else from the column list in the error's detail ("Key (author_id)=(7)
 * ..."), else from its column. Values in the detail are never copied.
 */
function fieldOf (error: pg.DatabaseError): string {
  const mapped = error.constraint === undefined ? undefined : CONSTRAINT_FIELDS[error.constraint]
  if (mapped !== undefined) {
    return mapped
  }
  const keyColumns = /^Key \(([^)]+)\)=/.exec(error.detail ?? '')?.[1]
  const column = keyColumns ?? error.column
  return column === undefined ? 'a field' : column.split(', ').map(camelCase).join(', ')
}

/**
 * Maps an error from the database or the driver to the HTTP problem it
 * stands for, by SQLSTATE class. Returns undefined for errors that are not
 * about the database and for those that are a server fault, which become a 500.
 */
export function problemFromDatabaseError (error: Error): HttpProblem | undefined {
  if (!(error instanceof pg.DatabaseError) || error.code === undefined) {
    return isConnectionError(error) ? unavailable('The database is unavailable; retry later.') : undefined
  }

  const { code } = error
  const sqlClass = code.slice(0, 2)
  if (code === '23505') {
    return new HttpProblem(409, `The value of ${fieldOf(error)} is already taken.`)
  }
  if (code === '23001') {
    // restrict_violation: ON DELETE RESTRICT kept a referenced row.
    return new HttpProblem(409, 'The resource is still referenced by other resources; delete those first.')
  }
  if (code === '23503') {
    // Inserting or updating a reference to a missing row is the client's
    // input at fault (422); deleting a row still referenced is a conflict.
    if (error.detail?.includes('is still referenced') === true) {
      return new HttpProblem(409, 'The resource is still referenced by other resources; delete those first.')
    }
    return new HttpProblem(422, `The value of ${fieldOf(error)} refers to a resource that does not exist.`)
  }
  if (code === '23502' || code === '23514') {
    return new HttpProblem(400, `The value of ${fieldOf(error)} is not allowed.`)
  }
  if (sqlClass === '22') {
    return new HttpProblem(400, 'A value in the request is invalid for its field.')
  }
  if (code === '40001' || code === '40P01') {
    return unavailable('The request conflicted with a concurrent change; retry it.')
  }
  if (code === '57014') {
    return unavailable('The database did not answer in time; retry later.')
  }
  if (sqlClass === '08' || sqlClass === '53' || code === '57P01' || code === '57P02' || code === '57P03') {
    return unavailable('The database is unavailable; retry later.')
  }
  return undefined
}
