import { BatonClientError, fromGraphQLErrors } from './errors.js';
import type { Operation } from './graphql.js';

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

/** Runs a query or mutation over HTTP POST; GraphQL errors throw BatonClientError with the server's code. */
export async function httpRequest<R, V>(
  fetchFn: FetchLike,
  url: string,
  operation: Operation<R, V>,
  variables: V,
  authorization?: string,
): Promise<R> {
  let body: { data?: R | null; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
  try {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({ query: operation.query, variables }),
    });
    body = (await res.json()) as typeof body;
  } catch (err) {
    throw new BatonClientError(`Cannot reach Baton at ${url}`, 'NETWORK_ERROR', undefined, { cause: err });
  }
  if (body.errors?.length) throw fromGraphQLErrors(body.errors);
  if (!body.data) throw new BatonClientError('Empty GraphQL response', 'NETWORK_ERROR');
  return body.data;
}
