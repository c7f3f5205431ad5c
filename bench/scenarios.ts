import type { IDatabaseConnection } from '@pgtyped/runtime'
import type { Client, Request } from 'autocannon'
import { createAuthor, getAuthor, listAuthors } from '../generated/authors.queries.js'
import { getBook } from '../generated/books.queries.js'

/** Scenario names in the order they run: the write scenario last, so reads see only the seed. */
export const SCENARIO_NAMES = ['get-author', 'list-authors', 'get-book', 'create-author'] as const
export type ScenarioName = typeof SCENARIO_NAMES[number]

/** Inclusive range of ids that the seed created. */
export interface IdRange {
  first: number
  last: number
}

/** Id ranges of the seeded rows; every id in each range exists. */
export interface SeedInfo {
  authors: IdRange
  books: IdRange | undefined
}

/** Page size of the list scenario. */
export const LIST_LIMIT = 50

/** Biography of seeded and created authors, so that author responses have one size. */
export const AUTHOR_BIO = 'Wrote novels and essays; taught for years; lived by the sea. ' +
  'This biography is about as long as the ones the seed writes.'

export interface Scenario {
  name: ScenarioName
  /** The request as the table shows it. */
  title: string
  /** Status of a successful response. */
  status: number
  /** True when it needs books in the seed. */
  needsBooks: boolean
  /** One request of the scenario, whose response body the HTTP ceiling sends back. */
  sampleRequest: (seed: SeedInfo) => { method: 'GET' | 'POST', path: string, body?: string }
  /** Sets up one autocannon connection: its request sequence and any per-connection state. */
  setupClient: (client: Client, seed: SeedInfo) => void
  /**
   * Returns one step of the same database work that a request does,
   * for the database ceiling. Each concurrent loop gets its own step.
   */
  databaseStep: (db: IDatabaseConnection, seed: SeedInfo) => () => Promise<void>
}

export function randomId (range: IdRange): number {
  return range.first + Math.floor(Math.random() * (range.last - range.first + 1))
}

function bookRange (seed: SeedInfo): IdRange {
  if (seed.books === undefined) {
    throw new Error('the get-book scenario needs books; seed at least one with --books')
  }
  return seed.books
}

/** Builds a GET request whose path is computed anew for every request. */
function dynamicPath (path: () => string): Request {
  return { method: 'GET', setupRequest: (request) => ({ ...request, path: path() }) }
}

/** Matches the nextCursor of a page without parsing the whole body. */
const NEXT_CURSOR = /"nextCursor":"([A-Za-z0-9_-]+)"/

const getAuthorScenario: Scenario = {
  name: 'get-author',
  title: 'GET /authors/{id}',
  status: 200,
  needsBooks: false,
  sampleRequest: (seed) => ({ method: 'GET', path: `/authors/${seed.authors.first}` }),
  setupClient: (client, seed) => {
    client.setRequests([dynamicPath(() => `/authors/${randomId(seed.authors)}`)])
  },
  databaseStep: (db, seed) => async () => {
    await getAuthor.run({ id: randomId(seed.authors) }, db)
  }
}

const listAuthorsScenario: Scenario = {
  name: 'list-authors',
  title: `GET /authors?limit=${LIST_LIMIT}`,
  status: 200,
  needsBooks: false,
  sampleRequest: () => ({ method: 'GET', path: `/authors?limit=${LIST_LIMIT}` }),
  // Each connection walks the list from the first page, following
  // nextCursor, and starts again after the last page.
  setupClient: (client) => {
    let cursor: string | undefined
    client.setRequests([{
      method: 'GET',
      setupRequest: (request) => ({
        ...request,
        path: `/authors?limit=${LIST_LIMIT}` + (cursor === undefined ? '' : `&cursor=${cursor}`)
      }),
      onResponse: (_status, body) => {
        cursor = NEXT_CURSOR.exec(body)?.[1]
      }
    }])
  },
  databaseStep: (db) => {
    let after: { name: string, id: number } | undefined
    return async () => {
      const rows = await listAuthors.run({ afterName: after?.name, afterId: after?.id, limit: LIST_LIMIT + 1 }, db)
      const last = rows.length > LIST_LIMIT ? rows[LIST_LIMIT - 1] : undefined
      after = last === undefined ? undefined : { name: last.name, id: last.id }
    }
  }
}

const getBookScenario: Scenario = {
  name: 'get-book',
  title: 'GET /books/{id}',
  status: 200,
  needsBooks: true,
  sampleRequest: (seed) => ({ method: 'GET', path: `/books/${bookRange(seed).first}` }),
  setupClient: (client, seed) => {
    const books = bookRange(seed)
    client.setRequests([dynamicPath(() => `/books/${randomId(books)}`)])
  },
  databaseStep: (db, seed) => {
    const books = bookRange(seed)
    return async () => {
      await getBook.run({ id: randomId(books) }, db)
    }
  }
}

let created = 0

/** Returns a new author's name, at most 32 characters long as the API requires. */
function newAuthorName (): string {
  created++
  return `Bench author ${created}`
}

function newAuthorBody (): string {
  return JSON.stringify({ name: newAuthorName(), bio: AUTHOR_BIO })
}

const createAuthorScenario: Scenario = {
  name: 'create-author',
  title: 'POST /authors',
  status: 201,
  needsBooks: false,
  sampleRequest: () => ({ method: 'POST', path: '/authors', body: newAuthorBody() }),
  setupClient: (client) => {
    client.setRequests([{
      method: 'POST',
      path: '/authors',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, body: newAuthorBody() })
    }])
  },
  databaseStep: (db) => async () => {
    await createAuthor.run({ name: newAuthorName(), bio: AUTHOR_BIO }, db)
  }
}

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  'get-author': getAuthorScenario,
  'list-authors': listAuthorsScenario,
  'get-book': getBookScenario,
  'create-author': createAuthorScenario
}
