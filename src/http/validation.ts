// Request bodies are validated strictly (no type coercion, unknown fields
// refused); query strings and path params coerce, since they arrive as text.
// A documented schema may name a laxer one the server validates instead
// (validatedAs): the document states what a client must send, the server
// keeps answering a missing parameter with the 422 that names it.
import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'
import { BIGINT_ID_FORMAT, isBigintId } from '../shared/bigint-id.js'

function ajv(options: Options): Ajv {
  const instance = new Ajv({
    allErrors: false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    discriminator: true,
    ...options,
  })
  addFormats.default(instance)
  instance.addFormat(BIGINT_ID_FORMAT, { type: 'string', validate: isBigintId })
  return instance
}

const strict = ajv({ coerceTypes: false })
const coercing = ajv({ coerceTypes: 'array' })

const wireSchemas = new WeakMap<object, object>()

/** Validate requests documented by `documented` against `wire` instead. */
export function validatedAs<T extends object>(documented: T, wire: object): T {
  wireSchemas.set(documented, wire)
  return documented
}

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(wireSchemas.get(schema) ?? schema)
