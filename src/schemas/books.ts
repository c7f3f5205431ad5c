import { Type, type Static } from 'typebox'
import { CURSOR_PATTERN, ISBN_PATTERN, LIMIT_PATTERN, OPTIONAL_ID_PATTERN, TEXT_PATTERN } from './common.js'
import { CalendarDate, DateTime, Id } from './scalars.js'

const Title = Type.String({ minLength: 1, maxLength: 200, pattern: TEXT_PATTERN })
const Isbn = Type.Union([Type.String({ pattern: ISBN_PATTERN }), Type.Null()])
const PublishedOn = Type.Union([CalendarDate, Type.Null()])
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50, pattern: TEXT_PATTERN }), { maxItems: 20 })

export const Book = Type.Object({
  id: Id,
  authorId: Id,
  title: Type.String(),
  isbn: Type.Union([Type.String(), Type.Null()]),
  publishedOn: Type.Union([CalendarDate, Type.Null()]),
  tags: Type.Array(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime
})
export type Book = Static<typeof Book>

/** A book with its author, as GET /books/{id} returns it. */
export const BookWithAuthor = Type.Object({
  ...Book.properties,
  author: Type.Object({ id: Id, name: Type.String() })
})
export type BookWithAuthor = Static<typeof BookWithAuthor>

/** Fields of a book apart from its author, for books created with an author. */
export const NestedBookInput = Type.Object(
  {
    title: Title,
    isbn: Type.Optional(Isbn),
    publishedOn: Type.Optional(PublishedOn),
    tags: Type.Optional(Tags)
  },
  { additionalProperties: false }
)
export type NestedBookInput = Static<typeof NestedBookInput>

export const BookInput = Type.Object(
  { authorId: Id, ...NestedBookInput.properties },
  { additionalProperties: false }
)
export type BookInput = Static<typeof BookInput>

export const BookPatch = Type.Object(
  {
    authorId: Type.Optional(Id),
    title: Type.Optional(Title),
    isbn: Type.Optional(Isbn),
    publishedOn: Type.Optional(PublishedOn),
    tags: Type.Optional(Tags)
  },
  { additionalProperties: false }
)

const EmptyOr = (schema: ReturnType<typeof Type.String>) => Type.Union([schema, Type.Literal('')])

export const BookListQuery = Type.Object(
  {
    authorId: Type.Optional(Type.String({ pattern: OPTIONAL_ID_PATTERN })),
    // One `tag` parameter arrives as a string, several as an array.
    tag: Type.Optional(Type.Union([
      Type.String({ maxLength: 50, pattern: TEXT_PATTERN }),
      Type.Array(Type.String({ maxLength: 50, pattern: TEXT_PATTERN }), { maxItems: 20 })
    ])),
    publishedFrom: Type.Optional(EmptyOr(CalendarDate)),
    publishedTo: Type.Optional(EmptyOr(CalendarDate)),
    q: Type.Optional(Type.String({ maxLength: 200, pattern: TEXT_PATTERN })),
    limit: Type.Optional(Type.String({ pattern: LIMIT_PATTERN })),
    cursor: Type.Optional(Type.String({ pattern: CURSOR_PATTERN }))
  },
  { additionalProperties: false }
)

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: LIMIT_PATTERN })),
    cursor: Type.Optional(Type.String({ pattern: CURSOR_PATTERN }))
  },
  { additionalProperties: false }
)

export const BookPage = Type.Object({
  items: Type.Array(Book),
  nextCursor: Type.Union([Type.String(), Type.Null()])
})
