import type { FastifySchemaValidationError } from 'fastify'
import type { SchemaErrorDataVar } from 'fastify/types/schema.js'
import { PATTERN_MESSAGES } from '../schemas/common.js'

const PART_NAMES: Record<string, string> = {
  body: 'body field',
  querystring: 'query parameter',
  params: 'path parameter',
  headers: 'header'
}

/**
 * Turns the first schema violation into one sentence that names the field,
 * for example `body/name must NOT have more than 32 characters`. It never
 * echoes the rejected value.
 */
export function formatValidationError (
  errors: FastifySchemaValidationError[],
  part: SchemaErrorDataVar
): Error {
  const error = errors[0]
  if (error === undefined) {
    return new Error(`${part} is invalid`)
  }
  const path = part + error.instancePath
  const params = error.params as Record<string, unknown>

  switch (error.keyword) {
    case 'additionalProperties':
      return new Error(`unknown ${PART_NAMES[part] ?? part} "${String(params.additionalProperty)}"`)
    case 'required':
      return new Error(`${path}/${String(params.missingProperty)} is required`)
    case 'pattern': {
      const message = PATTERN_MESSAGES[String(params.pattern)]
      return new Error(`${path} ${message ?? 'has an invalid format'}`)
    }
    default:
      return new Error(`${path} ${error.message ?? 'is invalid'}`)
  }
}
