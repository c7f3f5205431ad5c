// Parsers that turn the text Postgres sends into the JavaScript values that
// the generated query types declare. docs/types.md gives the mapping and the
// reasons, and pgtyped.config.json's typesOverrides and
// src/schemas/scalars.ts follow the same mapping. A value that its declared
// type cannot represent exactly fails the query with a RangeError or
// TypeError instead of being rounded or passed on in another shape.

import pg from 'pg'
import { parse as parseArrayText } from 'postgres-array'

/** A parsed JSON value; pgtyped declares json and jsonb results with this type. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/**
 * Parses an int8 (bigint) column into a number. Every int8 the schema
 * produces fits: identity columns stop at 2^53 - 1. A larger value fails
 * the query instead of being silently rounded.
 */
export function parseInt8 (text: string): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`int8 value ${text} is outside the safe integer range of JavaScript`)
  }
  return value
}

const DECIMAL = /^-?[0-9]+(?:\.[0-9]+)?$/

/**
 * Keeps a numeric as its exact decimal text, trailing zeros included.
 * NaN, Infinity and -Infinity are no decimal numbers and fail the query.
 */
export function parseNumeric (text: string): string {
  if (!DECIMAL.test(text)) {
    throw new RangeError(`numeric value ${text} is not a finite decimal number`)
  }
  return text
}

const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/

/**
 * Keeps a date as its `YYYY-MM-DD` text. pg's default builds a Date at
 * local midnight, which shifts the day with the process's time zone.
 * infinity, BC dates and years after 9999 fail the query, as does output
 * in a DateStyle other than ISO.
 */
export function parseDate (text: string): string {
  if (!ISO_DATE.test(text)) {
    throw new RangeError(`date value ${text} is not a YYYY-MM-DD date from 0001-01-01 to 9999-12-31`)
  }
  return text
}

const ISO_TIMESTAMP = /^([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?)$/

/**
 * Turns a timestamp without time zone into ISO 8601 text with no offset,
 * `YYYY-MM-DDTHH:MM:SS` and up to six fraction digits as Postgres sent
 * them. pg's default reads it as local time of the process, so the instant
 * moves with TZ and a time in a daylight-saving gap changes hour.
 * infinity, BC values and years after 9999 fail the query.
 */
export function parseTimestamp (text: string): string {
  const match = ISO_TIMESTAMP.exec(text)
  if (match === null) {
    throw new RangeError(`timestamp value ${text} is not an ISO timestamp from year 0001 to 9999`)
  }
  return `${match[1]}T${match[2]}`
}

const TIMESTAMPTZ = pg.types.builtins.TIMESTAMPTZ
const parseTimestamptzDefault = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => unknown

/**
 * Parses a timestamptz into a Date with pg's default parser, which keeps
 * milliseconds and drops any further fraction digits. Values whose UTC
 * year is outside 0001 to 9999 fail the query: infinity, which pg would
 * return as a number, BC values, and instants that toISOString() cannot
 * write as an RFC 3339 date-time.
 */
export function parseTimestamptz (text: string): Date {
  const value = parseTimestamptzDefault(text)
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RangeError(`timestamptz value ${text} is not a valid instant`)
  }
  const year = value.getUTCFullYear()
  if (year < 1 || year > 9999) {
    throw new RangeError(`timestamptz value ${text} is outside the UTC years 0001 to 9999`)
  }
  return value
}

/** Throws when a number in a parsed JSON value was rounded by JSON.parse. */
function checkJsonNumbers (value: Json): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError('json value has a number beyond the range of a double')
    }
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw new RangeError(
        `json value has an integer outside the safe integer range of JavaScript, which JSON.parse rounded to ${value}`
      )
    }
    return
  }
  if (Array.isArray(value)) {
    value.forEach(checkJsonNumbers)
  } else if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(checkJsonNumbers)
  }
}

/**
 * Parses json and jsonb with JSON.parse. A fraction becomes the nearest
 * double, as in any JSON parser. An integer outside ±(2^53 - 1), or a number
 * beyond the range of a double, fails the query instead of being rounded.
 */
export function parseJson (text: string): Json {
  const value = JSON.parse(text) as Json
  checkJsonNumbers(value)
  return value
}

/**
 * Builds a parser for a one-dimensional array whose elements `parseElement`
 * parses. pgtyped declares arrays as `T[]`, which has no room for NULL
 * elements or nested arrays, so those fail the query. Explicit bounds such
 * as `[0:1]={a,b}` are dropped, as pg's own array parsers drop them.
 */
export function arrayParser<T> (elementType: string, parseElement: (text: string) => T): (text: string) => T[] {
  return (text) => {
    const elements = text.startsWith('[') ? text.slice(text.indexOf('=') + 1) : text
    if (elements.startsWith('{{')) {
      throw new TypeError(`${elementType}[] value has more than one dimension`)
    }
    // postgres-array returns a NULL element as null. Boxing each parsed
    // element keeps those apart from elements that parse to null (JSON null).
    const boxes: Array<{ value: T } | null> = parseArrayText(elements, (element) => ({ value: parseElement(element) }))
    return boxes.map((box) => {
      if (box === null) {
        throw new TypeError(`${elementType}[] value has a NULL element`)
      }
      return box.value
    })
  }
}

/** One Postgres type that has a decided mapping, with its array type. */
export interface MappedType {
  /** Name in pg_type, as pgtyped's typesOverrides name it. */
  name: string
  oid: number
  arrayOid: number
  parse: (text: string) => unknown
}

/** pg's own text parser for a type whose default already fits its mapping. */
function defaultParser (oid: number): (text: string) => unknown {
  return pg.types.getTypeParser(oid, 'text') as (text: string) => unknown
}

const { builtins } = pg.types

/**
 * Every type with a decided mapping. The array OIDs are fixed in
 * Postgres's catalog (pg_type.typarray); test/db/types.test.ts checks them.
 */
export const MAPPED_TYPES: readonly MappedType[] = [
  { name: 'bool', oid: builtins.BOOL, arrayOid: 1000, parse: defaultParser(builtins.BOOL) },
  { name: 'int2', oid: builtins.INT2, arrayOid: 1005, parse: defaultParser(builtins.INT2) },
  { name: 'int4', oid: builtins.INT4, arrayOid: 1007, parse: defaultParser(builtins.INT4) },
  { name: 'int8', oid: builtins.INT8, arrayOid: 1016, parse: parseInt8 },
  { name: 'numeric', oid: builtins.NUMERIC, arrayOid: 1231, parse: parseNumeric },
  { name: 'text', oid: builtins.TEXT, arrayOid: 1009, parse: defaultParser(builtins.TEXT) },
  { name: 'varchar', oid: builtins.VARCHAR, arrayOid: 1015, parse: defaultParser(builtins.VARCHAR) },
  { name: 'date', oid: builtins.DATE, arrayOid: 1182, parse: parseDate },
  { name: 'timestamp', oid: builtins.TIMESTAMP, arrayOid: 1115, parse: parseTimestamp },
  { name: 'timestamptz', oid: builtins.TIMESTAMPTZ, arrayOid: 1185, parse: parseTimestamptz },
  { name: 'json', oid: builtins.JSON, arrayOid: 199, parse: parseJson },
  { name: 'jsonb', oid: builtins.JSONB, arrayOid: 3807, parse: parseJson }
]

const TEXT_PARSERS = new Map<number, (text: string) => unknown>()
for (const type of MAPPED_TYPES) {
  TEXT_PARSERS.set(type.oid, type.parse)
  TEXT_PARSERS.set(type.arrayOid, arrayParser(type.name, type.parse))
}

/**
 * Type parsers for the pool: the parsers above for the mapped types and
 * their arrays, and pg's defaults for every other type and for results in
 * binary format, which pg receives only when a query requests binary.
 */
export const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    const parse = format === 'binary' ? undefined : TEXT_PARSERS.get(oid)
    return parse ?? pg.types.getTypeParser(oid, format)
  }) as pg.CustomTypesConfig['getTypeParser']
}
