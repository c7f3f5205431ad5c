import { Type } from 'typebox'

/**
 * Text Postgres can store as sent: no U+0000, which Postgres text cannot
 * hold, and no unpaired UTF-16 surrogate, which UTF-8 cannot encode and
 * would be stored as U+FFFD. Ajv compiles patterns with the `u` flag, so a
 * surrogate pair counts as one code point and matches.
 */
export const TEXT_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*$'

/** A canonical positive decimal integer of at most 19 digits: no sign, no leading zero. */
export const ID_PATTERN = '^[1-9][0-9]{0,18}$'

/** 1 to 100, in canonical decimal form. */
export const LIMIT_PATTERN = '^(?:[1-9][0-9]?|100)$'

/** Unpadded base64url. */
export const CURSOR_PATTERN = '^[A-Za-z0-9_-]{1,512}$'

/** An ISBN-13's shape: 978 or 979 and ten more digits. */
export const ISBN_PATTERN = '^97[89][0-9]{10}$'

/** An id filter: a positive decimal integer, or empty for no filter. */
export const OPTIONAL_ID_PATTERN = '^(?:[1-9][0-9]{0,18})?$'

/** Years 0001 to 9999: Postgres has no year 0, which the `date` format allows. */
export const DATE_PATTERN = '^(?!0000)[0-9]{4}-'

/** A timestamptz as Date.prototype.toISOString() writes it: UTC, milliseconds, years 0001 to 9999. */
export const UTC_DATE_TIME_PATTERN = '^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$'

/** A timestamp without time zone: ISO 8601 with no offset and up to six fraction digits. */
export const LOCAL_DATE_TIME_PATTERN =
  '^(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])' +
  'T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,6})?$'

/** A numeric as exact decimal text: no exponent, NaN or Infinity. */
export const DECIMAL_PATTERN = '^-?[0-9]+(?:\\.[0-9]+)?$'

/** Validation messages for the patterns above, keyed by pattern. */
export const PATTERN_MESSAGES: Record<string, string> = {
  [TEXT_PATTERN]: 'must not contain NUL (U+0000) or unpaired surrogate characters',
  [ID_PATTERN]: 'must be a positive decimal integer',
  [LIMIT_PATTERN]: 'must be an integer from 1 to 100',
  [CURSOR_PATTERN]: 'must be a cursor returned by a previous page',
  [ISBN_PATTERN]: 'must be an ISBN-13: 13 digits starting with 978 or 979',
  [OPTIONAL_ID_PATTERN]: 'must be a positive decimal integer or empty',
  [DATE_PATTERN]: 'must be a date from 0001-01-01 to 9999-12-31',
  [UTC_DATE_TIME_PATTERN]: 'must be a UTC date-time such as 2024-02-29T13:45:00.000Z, years 0001 to 9999',
  [LOCAL_DATE_TIME_PATTERN]: 'must be a date-time without offset such as 2024-02-29T13:45:00, years 0001 to 9999',
  [DECIMAL_PATTERN]: 'must be a decimal number such as -12.50, without exponent'
}

/** Largest value of a Postgres bigint: an id above it is malformed. */
export const INT8_MAX = 9223372036854775807n

/** Query string of routes that take no query parameters. */
export const NoQuery = Type.Object({}, { additionalProperties: false })

export const IdParams = Type.Object(
  { id: Type.String({ pattern: ID_PATTERN }) },
  { additionalProperties: false }
)

/** Body of every error response (RFC 9457, application/problem+json). */
export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.Optional(Type.String())
})
