// Run-time checks of values against the types pgtyped declared for them.
// The Postgres type of the column refines each check: a `number` from an
// int8 must be a safe integer, a `string` from a date a real `YYYY-MM-DD`
// day, and so on. The mapping below repeats on purpose what
// src/db/type-parsers.ts, pgtyped.config.json and src/schemas/scalars.ts
// implement, so that a change to any one of them alone fails
// test/db/types.test.ts.

import { inspect } from 'node:util'
import { describeShape, type TypeShape } from './generated-types.js'

/** The Postgres type of a result column, with the element type of an array. */
export interface PostgresType {
  name: string
  element?: PostgresType
}

/** Returns a description of what is wrong with a value, or undefined when nothing is. */
type ValueRule = (value: unknown) => string | undefined

/** The decided mapping of one Postgres type, as docs/types.md gives it. */
export interface DecidedType {
  /** The TypeScript type pgtyped must declare, without null. */
  declared: string
  /** The run-time rule for a value of that type. */
  rule: ValueRule
  /** Properties the route schema of a field of this type must have (tap's t.match). */
  jsonSchema: Record<string, unknown>
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER

function integerBetween (minimum: number, maximum: number): ValueRule {
  return (value) => typeof value === 'number' && Number.isInteger(value) && value >= minimum && value <= maximum
    ? undefined
    : `${String(value)} is not an integer from ${minimum} to ${maximum}`
}

/** Strings that Postgres text can store: valid UTF-16 with no U+0000. */
function storableText (value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return undefined
  }
  if (value.includes('\u0000')) {
    return 'contains U+0000'
  }
  return Buffer.from(value, 'utf8').toString('utf8') === value ? undefined : 'contains an unpaired surrogate'
}

/** Checks `YYYY-MM-DD` text for a day that exists, in the years 0001 to 9999. */
function dayProblem (text: string): string | undefined {
  const day = new Date(`${text}T00:00:00Z`)
  if (Number.isNaN(day.getTime()) || !day.toISOString().startsWith(text) || text.startsWith('0000')) {
    return `${text} is not a day from 0001-01-01 to 9999-12-31`
  }
  return undefined
}

function calendarDate (value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) {
    return `${inspect(value)} is not YYYY-MM-DD text`
  }
  return dayProblem(value)
}

function localDateTime (value: unknown): string | undefined {
  const match = typeof value === 'string'
    ? /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?$/.exec(value)
    : null
  if (match?.[1] === undefined) {
    return `${inspect(value)} is not YYYY-MM-DDTHH:MM:SS text with up to six fraction digits`
  }
  return dayProblem(match[1])
}

function instantInYears (value: unknown): string | undefined {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    return 'is an invalid Date'
  }
  const year = value.getUTCFullYear()
  return year >= 1 && year <= 9999 ? undefined : `${value.toISOString()} is outside the UTC years 0001 to 9999`
}

function decimalText (value: unknown): string | undefined {
  const decimal = typeof value === 'string' && /^-?[0-9]+(?:\.[0-9]+)?$/.test(value)
  return decimal ? undefined : `${inspect(value)} is not decimal text`
}

/** Numbers inside JSON: finite, and integers within ±(2^53 - 1), so none was rounded. */
function jsonNumber (value: unknown): string | undefined {
  if (typeof value !== 'number') {
    return undefined
  }
  const exact = Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value))
  return exact ? undefined : `${value} is not finite or not a safe integer`
}

function anyValue (): undefined {
  return undefined
}

/** Every Postgres type with a decided mapping; array types follow their element type. */
export const DECIDED_TYPES: Readonly<Record<string, DecidedType>> = {
  bool: { declared: 'boolean', rule: anyValue, jsonSchema: { type: 'boolean' } },
  int2: { declared: 'number', rule: integerBetween(-32768, 32767), jsonSchema: { type: 'integer' } },
  int4: { declared: 'number', rule: integerBetween(-2147483648, 2147483647), jsonSchema: { type: 'integer' } },
  int8: {
    declared: 'number',
    rule: integerBetween(-MAX_SAFE, MAX_SAFE),
    jsonSchema: { type: 'integer', maximum: MAX_SAFE }
  },
  numeric: { declared: 'string', rule: decimalText, jsonSchema: { type: 'string', pattern: String } },
  text: { declared: 'string', rule: storableText, jsonSchema: { type: 'string' } },
  varchar: { declared: 'string', rule: storableText, jsonSchema: { type: 'string' } },
  date: { declared: 'string', rule: calendarDate, jsonSchema: { type: 'string', format: 'date' } },
  timestamp: { declared: 'string', rule: localDateTime, jsonSchema: { type: 'string', pattern: String } },
  timestamptz: { declared: 'Date', rule: instantInYears, jsonSchema: { type: 'string', format: 'date-time' } },
  json: { declared: 'Json', rule: jsonNumber, jsonSchema: {} },
  jsonb: { declared: 'Json', rule: jsonNumber, jsonSchema: {} }
}

/** Returns the TypeScript type the mapping gives a Postgres type, or undefined when none is decided. */
export function decidedDeclaration (type: PostgresType): string | undefined {
  if (type.element !== undefined) {
    const element = DECIDED_TYPES[type.element.name]
    return element === undefined ? undefined : `${element.declared}[]`
  }
  return DECIDED_TYPES[type.name]?.declared
}

/** Returns the route schema properties the mapping requires for a Postgres type. */
export function decidedJsonSchema (type: PostgresType): Record<string, unknown> | undefined {
  if (type.element !== undefined) {
    const element = DECIDED_TYPES[type.element.name]
    return element === undefined ? undefined : { type: 'array', items: element.jsonSchema }
  }
  return DECIDED_TYPES[type.name]?.jsonSchema
}

function show (value: unknown): string {
  return inspect(value, { depth: 1, maxStringLength: 40, maxArrayLength: 5, breakLength: Infinity })
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') {
    return false
  }
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

function checkArray (value: unknown, element: TypeShape, postgres: PostgresType | undefined): string | undefined {
  if (!Array.isArray(value)) {
    return `is ${show(value)}, not an array`
  }
  // A Postgres array's elements have its element type. An array inside a
  // json value stays json.
  const elementType = postgres?.element ?? postgres
  for (const [index, item] of value.entries()) {
    const problem = checkValue(item, element, elementType)
    if (problem !== undefined) {
      return `element ${index} ${problem}`
    }
  }
  return undefined
}

function checkRecord (value: unknown, shape: TypeShape, postgres: PostgresType | undefined): string | undefined {
  if (!isPlainObject(value)) {
    return `is ${show(value)}, not a plain object`
  }
  for (const [key, item] of Object.entries(value)) {
    const problem = checkValue(item, shape, postgres)
    if (problem !== undefined) {
      return `key ${JSON.stringify(key)} ${problem}`
    }
  }
  return undefined
}

function checkUnion (value: unknown, members: TypeShape[], postgres: PostgresType | undefined): string | undefined {
  const problems: string[] = []
  for (const member of members) {
    const problem = checkValue(value, member, postgres)
    if (problem === undefined) {
      return undefined
    }
    problems.push(problem)
  }
  if (value === null) {
    return 'is null, which its type does not allow'
  }
  return `matches no member of ${members.map(describeShape).join(' | ')}: ${problems.join('; ')}`
}

/** Applies the mapping's rule for the Postgres type to a value of the right JavaScript kind. */
function checkRule (value: unknown, postgres: PostgresType | undefined): string | undefined {
  return postgres === undefined ? undefined : DECIDED_TYPES[postgres.name]?.rule(value)
}

/**
 * Checks a value against a declared type, and against the mapping's rule
 * for the Postgres type when one is given. Returns a description of the
 * first mismatch, or undefined when the value fits.
 */
export function checkValue (value: unknown, shape: TypeShape, postgres?: PostgresType): string | undefined {
  switch (shape.kind) {
    case 'alias':
      return checkValue(value, shape.resolve(), postgres)
    case 'union':
      return checkUnion(value, shape.members, postgres)
    case 'null':
    case 'undefined':
      return value === (shape.kind === 'null' ? null : undefined) ? undefined : `is ${show(value)}, not ${shape.kind}`
    case 'number':
      return typeof value === 'number' ? checkRule(value, postgres) : `is ${show(value)}, not a number`
    case 'string':
      return typeof value === 'string' ? checkRule(value, postgres) : `is ${show(value)}, not a string`
    case 'boolean':
      return typeof value === 'boolean' ? checkRule(value, postgres) : `is ${show(value)}, not a boolean`
    case 'Date':
      return value instanceof Date ? checkRule(value, postgres) : `is ${show(value)}, not a Date`
    case 'array':
      return checkArray(value, shape.element, postgres)
    case 'record':
      return checkRecord(value, shape.value, postgres)
  }
}
