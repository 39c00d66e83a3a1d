import { Column, is, Param, Placeholder, SQL } from 'drizzle-orm';
import type { Sql } from 'postgres';

/** What a built drizzle prepared query runs: `execute(placeholder values)`. */
export interface RunnableQuery<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

/** The parts of drizzle's postgres-js prepared query this reads (drizzle-orm 0.45; direct-query.int.test.ts checks them). */
interface PreparedInternals {
  client: Sql;
  queryString: string;
  params: unknown[];
  fields: { path: string[]; field: unknown }[] | undefined;
  joinsNotNullableMap: Record<string, boolean> | undefined;
  customResultMapper: unknown;
  /** Whether postgres.js prepares the statement (a named drizzle query). */
  prepare: boolean;
}

type Decode = ((value: unknown) => unknown) | null;
type Decoder = { mapFromDriverValue(value: unknown): unknown };
type ParamPlan = { constant: unknown } | { name: string; encode: ((value: unknown) => unknown) | null };

const identity = Column.prototype.mapFromDriverValue;

/** A column's or SQL field's decoder, or null when it hands the driver's value back as it is. */
function decoderOf(field: unknown): Decode {
  // `decoder` is drizzle-internal on SQL: what `sql<T>`...`.mapWith()` set, else a no-op.
  const decoder: Decoder = is(field, Column)
    ? field
    : ((is(field, SQL) ? field : (field as { sql: SQL }).sql) as unknown as { decoder: Decoder }).decoder;
  const map = decoder.mapFromDriverValue;
  return map === identity ? null : map.bind(decoder);
}

function planParam(param: unknown): ParamPlan {
  if (is(param, Placeholder)) return { name: param.name, encode: null };
  if (is(param, Param) && is(param.value, Placeholder)) {
    const encoder = param.encoder;
    return { name: param.value.name, encode: (value) => encoder.mapToDriverValue(value) };
  }
  return { constant: param };
}

/**
 * Runs a drizzle prepared query straight on postgres.js, with its parameters and row mapping worked
 * out once instead of on every call. drizzle's own `execute` wraps each call in three tracing spans
 * and a cache lookup (four promises), fills placeholders with a type check per parameter, and maps
 * each row with a type check per column, a measurable part of an asset read
 * (docs/design/api.md#hot-queries-run-directly-on-the-driver). Same SQL, same statement name,
 * same values out: only for queries that select columns and SQL fields without outer joins (it
 * refuses others when built).
 */
export function runDirect<R>(query: RunnableQuery<R>): RunnableQuery<R> {
  const prepared = query as unknown as PreparedInternals;
  const { client, queryString, params, fields, joinsNotNullableMap, customResultMapper, prepare } = prepared;
  if (typeof client?.unsafe !== 'function' || typeof queryString !== 'string' || !Array.isArray(params) || !fields) {
    throw new Error('runDirect: not a drizzle postgres-js prepared query with selected fields');
  }
  // A select's map names its own table (never null); an outer join adds a table that may be.
  const nullableJoin = Object.values(joinsNotNullableMap ?? {}).includes(false);
  if (nullableJoin || customResultMapper) throw new Error('runDirect: outer joins and custom result mappers are not supported');
  const paramPlan = params.map(planParam);
  const columns = fields.map(({ path, field }) => ({ path, decode: decoderOf(field) }));

  function fill(values: Record<string, unknown>): unknown[] {
    return paramPlan.map((plan) => {
      if ('constant' in plan) return plan.constant;
      if (!(plan.name in values)) throw new Error(`No value for placeholder "${plan.name}" was provided`);
      const value = values[plan.name];
      return plan.encode ? plan.encode(value) : value;
    });
  }

  function mapRow(row: unknown[]): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const { path, decode } = columns[i]!;
      const raw = row[i];
      const value = raw === null || decode === null ? raw : decode(raw);
      let node = result;
      for (let depth = 0; depth < path.length - 1; depth++) {
        const key = path[depth]!;
        node[key] ??= {};
        node = node[key] as Record<string, unknown>;
      }
      node[path[path.length - 1]!] = value;
    }
    return result;
  }

  return {
    async execute(values = {}) {
      const rows = (await client.unsafe(queryString, fill(values) as never[], { prepare }).values()) as unknown as unknown[][];
      return rows.map(mapRow) as R;
    },
  };
}
