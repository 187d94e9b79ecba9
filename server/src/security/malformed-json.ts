import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * A request whose JSON does not parse gets BAD_REQUEST (HTTP 400) saying so, and nothing of what it
 * sent. Yoga's own error carried the parser's message in `extensions.originalError`, in production
 * too, and that message quotes the body ("Unexpected token 'x', "{"query": "…"... is not valid JSON");
 * a malformed `variables` or `extensions` parameter of a GET threw the bare SyntaxError, which reached
 * the client as an unexpected error.
 */
export function useMalformedJsonGuard(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (req) => {
        try {
          return await requestParser(req);
        } catch (err) {
          if (err instanceof SyntaxError)
            throw notJson('A JSON parameter of the request (variables or extensions) is not valid JSON');
          if (err instanceof GraphQLError && err.extensions?.originalError !== undefined && !err.originalError)
            throw notJson('The request body is not valid JSON');
          throw err;
        }
      });
    },
  };
}

const notJson = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
