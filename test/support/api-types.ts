import type { components, paths } from '@darkroom/client';

/**
 * The OpenAPI document's routes as the strings a test writes: `request('GET', `/v1/assets/${id}`)`
 * finds `/v1/assets/{id}` and takes its request and response bodies from the generated `paths`.
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Route = keyof paths;
type Operation<M extends Method, R extends Route> = paths[R][Lowercase<M>];

/** `/v1/assets/{id}/jobs` → `/v1/assets/${string}/jobs`. */
type Concrete<T extends string> = T extends `${infer Head}{${string}}${infer Tail}` ? `${Head}${string}${Concrete<Tail>}` : T;

type RoutesWith<M extends Method> = { [R in Route]: Operation<M, R> extends { responses: unknown } ? R : never }[Route];

/** A path of a route that answers `method`, with or without a query string. */
export type PathOf<M extends Method> = Concrete<RoutesWith<M>> | `${Concrete<RoutesWith<M>>}?${string}`;

type WithoutQuery<P extends string> = P extends `${infer Path}?${string}` ? Path : P;
type Matching<M extends Method, P extends string> = { [R in RoutesWith<M>]: WithoutQuery<P> extends Concrete<R> ? R : never }[RoutesWith<M>];

/** Routes of `Rs` whose paths all fit R too: `/v1/assets/{id}/jobs` is narrower than `/v1/assets/{id}`. */
type Narrower<R extends Route, Rs extends Route> = Rs extends R ? never : Concrete<Rs> extends Concrete<R> ? Rs : never;
type MostSpecific<Rs extends Route> = { [R in Rs]: [Narrower<R, Rs>] extends [never] ? R : never }[Rs];

/** The route a request goes to: of those whose template fits the path, the narrowest. */
export type RouteOf<M extends Method, P extends string> = MostSpecific<Matching<M, P>>;

type OperationOf<M extends Method, P extends string> = Operation<M, RouteOf<M, P>>;

/** The JSON body the route takes (`undefined` when it takes none). */
export type RequestBody<M extends Method, P extends string> =
  OperationOf<M, P> extends { requestBody?: { content: { 'application/json': infer Body } } | undefined } ? Body : undefined;

type SuccessStatus = 200 | 201 | 202 | 204;
type BodyOf<Reply> = Reply extends { content: { 'application/json': infer Body } } ? Body : string;
type Replies<Op> = Op extends { responses: infer Rs } ? Rs : never;

/** The route's answer on success: its JSON, or the text of an answer the document gives no JSON for. */
export type SuccessBody<M extends Method, P extends string> = {
  [S in keyof Replies<OperationOf<M, P>>]: S extends SuccessStatus ? BodyOf<Replies<OperationOf<M, P>>[S]> : never;
}[keyof Replies<OperationOf<M, P>>];

/** What a refusal carries: `{ error: { code, message, details? } }` (docs/api.md). */
export type ErrorBody = components['schemas']['Error'];
