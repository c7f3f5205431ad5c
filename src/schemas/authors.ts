import { Type, type Static } from 'typebox'
import { Book, NestedBookInput } from './books.js'
import { CURSOR_PATTERN, LIMIT_PATTERN, TEXT_PATTERN } from './common.js'
import { DateTime, Id } from './scalars.js'

// Lengths count Unicode code points, as Ajv does by default and as
// Postgres counts characters in a UTF-8 database.
const Name = Type.String({ minLength: 1, maxLength: 32, pattern: TEXT_PATTERN })
const Bio = Type.String({ minLength: 1, maxLength: 10000, pattern: TEXT_PATTERN })

export const Author = Type.Object({
  id: Id,
  name: Type.String(),
  bio: Type.String(),
  createdAt: DateTime,
  updatedAt: DateTime
})
export type Author = Static<typeof Author>

export const AuthorInput = Type.Object(
  { name: Name, bio: Bio },
  { additionalProperties: false }
)

/** POST /authors: an author and, optionally, books created with it in one transaction. */
export const AuthorCreate = Type.Object(
  { name: Name, bio: Bio, books: Type.Optional(Type.Array(NestedBookInput, { maxItems: 100 })) },
  { additionalProperties: false }
)

export const AuthorWithBooks = Type.Object({
  ...Author.properties,
  books: Type.Optional(Type.Array(Book))
})
export type AuthorWithBooks = Static<typeof AuthorWithBooks>

export const AuthorPatch = Type.Object(
  { name: Type.Optional(Name), bio: Type.Optional(Bio) },
  { additionalProperties: false }
)

export const AuthorListQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: LIMIT_PATTERN })),
    cursor: Type.Optional(Type.String({ pattern: CURSOR_PATTERN }))
  },
  { additionalProperties: false }
)

export const AuthorPage = Type.Object({
  items: Type.Array(Author),
  nextCursor: Type.Union([Type.String(), Type.Null()])
})
