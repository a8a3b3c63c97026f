// Statements of fixed text compiled by Kysely once, on their first call,
// instead of on every call: building a `sql` template's nodes and compiling
// them cost more Node CPU than the rest of the statement's way to the socket.
// Used for the hot statements (a claim transition's read and write, a chat
// message's write), which also run named prepared (PREPARED) on Postgres.
import { CompiledQuery, sql, type QueryResult, type RawBuilder } from 'kysely'
import type { DbOrTx } from './database.js'

/** Where a call's own value goes: compiled as a parameter, replaced on each call. */
class Slot<A> {
  constructor(readonly get: (args: A) => unknown) {}
}

/** Marks where a value of the call's arguments goes in a compiledOnce statement. */
export type ValueOf<A> = (get: (args: A) => unknown) => RawBuilder<unknown>

/**
 * `build` writes the statement once, with `value((args) => …)` wherever a
 * call's value goes (fixed fragments and literals as usual); each call then
 * only picks its values, in the order compiling numbered them.
 */
export function compiledOnce<A, R>(
  build: (value: ValueOf<A>) => RawBuilder<R>,
): (db: DbOrTx, args: A) => Promise<QueryResult<R>> {
  let compiled: { sql: string; parameters: readonly unknown[] } | undefined
  return (db, args) => {
    compiled ??= build((get) => sql`${new Slot(get)}`).compile(db)
    const parameters = compiled.parameters.map((p) => (p instanceof Slot ? (p as Slot<A>).get(args) : p))
    return db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters))
  }
}
