import { Type } from 'typebox'
import { DATE_PATTERN, DECIMAL_PATTERN, LOCAL_DATE_TIME_PATTERN, UTC_DATE_TIME_PATTERN } from './common.js'

// JSON forms of the values that the pool's type parsers return
// (src/db/type-parsers.ts), one per Postgres type. docs/types.md lists the
// mapping, and test/db/types.test.ts checks the route schemas against it.

/** An int8 (bigint) value: a JSON integer within ±(2^53 - 1). */
export const SafeInteger = Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER })

/** An identity column's value: a positive int8, capped at 2^53 - 1 in schema.sql. */
export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })

/** A numeric value as exact decimal text, trailing zeros kept. */
export const Decimal = Type.String({ pattern: DECIMAL_PATTERN })

/** A date value: `YYYY-MM-DD`, years 0001 to 9999. */
export const CalendarDate = Type.String({ format: 'date', pattern: DATE_PATTERN })

/** A timestamp (without time zone) value: ISO 8601 with no offset, as Postgres stored it. */
export const LocalDateTime = Type.String({ pattern: LOCAL_DATE_TIME_PATTERN })

/** A timestamptz value: the pool's Date, which routes send with toISOString(). */
export const DateTime = Type.String({ format: 'date-time', pattern: UTC_DATE_TIME_PATTERN })

/** A json or jsonb value: any JSON. */
export const JsonValue = Type.Unknown()
