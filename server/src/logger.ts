import { type DestinationStream, type Logger, pino } from 'pino';
import type { Config } from './config.js';
import { redactJson, redactText } from './privacy/redact.js';
import { clientErrorCode, serializeError } from './telemetry/log-error.js';

export type { Logger } from 'pino';

/**
 * The app's structured logger (JSON lines on stdout), created once in buildApp and passed down through
 * Services. Runs log through `logger.child({ runId, conversationId })`.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'env'>, destination?: DestinationStream): Logger {
  return pino(
    {
      name: 'baton',
      level: config.logLevel,
      base: { service: 'baton', env: config.env },
      // Credentials never reach the logs, even when a caller's headers are logged by mistake.
      redact: {
        paths: ['authorization', '*.authorization', 'headers.authorization', 'token', '*.token'],
        censor: '[redacted]',
      },
      // Personal data (emails, phones, addresses, payment method ids, tokens) never reaches the logs.
      formatters: { log: (object) => redactJson(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>);
        },
      },
      // Code and ids, never SQL parameters or quoted values; no stack for a caller's own mistakes.
      serializers: { err: (err: unknown) => redactJson(serializeError(err)) as Record<string, unknown> },
    },
    destination,
  );
}

/** yoga's logger interface over pino, so yoga's own warnings are structured too. */
export function yogaLogger(logger: Logger) {
  const log = logger.child({ component: 'yoga' });
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      // A caller's mistake (bad input, a refusal) is theirs to see, not an error of the server.
      const clientCode = first instanceof Error ? clientErrorCode(first) : undefined;
      // The line's message is the serialised error's: an error's own message may repeat a statement's
      // parameters (drizzle's "Failed query: … params: …"), which the err serializer leaves out.
      const message = first instanceof Error ? String(serializeError(first).message) : String(first);
      if (clientCode) log.debug({ code: clientCode }, message);
      else if (first instanceof Error) log[level]({ err: first, args: rest }, message);
      else log[level]({ args: rest }, message);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
