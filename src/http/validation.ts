// Request bodies are validated strictly (no type coercion, unknown fields
// refused); query strings and path params coerce, since they arrive as text.
import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'
import { BIGINT_ID_FORMAT, isBigintId } from '../shared/bigint-id.js'

function ajv(options: Options): Ajv {
  const instance = new Ajv({ allErrors: false, removeAdditional: false, useDefaults: true, strict: false, ...options })
  addFormats.default(instance)
  instance.addFormat(BIGINT_ID_FORMAT, { type: 'string', validate: isBigintId })
  return instance
}

const strict = ajv({ coerceTypes: false })
const coercing = ajv({ coerceTypes: 'array' })

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(schema)
