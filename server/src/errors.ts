/**
 * Baton's error hierarchy. Every error has a literal `code` that GraphQL clients
 * see, and says whose fault it is: the caller's input, the model, a tool, or config.
 */
export type ErrorCode =
  | 'CONFIG_ERROR'
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'CONFLICT'
  | 'MODEL_ERROR'
  | 'TOOL_ERROR'
  | 'RATE_LIMITED'
  | 'RUN_CANCELLED'
  | 'SUBSCRIBER_TOO_SLOW'
  | 'SERVICE_UNAVAILABLE';

export interface BatonErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
  /**
   * What happened, from a closed set the thrower owns (the store's: server/src/store/store-refusals.ts), for callers
   * that act on it without reading the message. Also in `details.reason`, so GraphQL clients see it in the extensions.
   */
  reason?: string;
}

export abstract class BatonError extends Error {
  abstract readonly code: ErrorCode;
  /** Extra, client-safe details exposed as GraphQL error extensions. */
  readonly details: Record<string, unknown>;
  /** Why, typed (see BatonErrorOptions.reason); absent where the code says all there is. */
  readonly reason?: string;

  constructor(message: string, options: BatonErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.details = { ...options.details, ...(options.reason ? { reason: options.reason } : {}) };
    if (options.reason) this.reason = options.reason;
  }
}

/** A setting is missing or malformed: the operator's fault. */
export class ConfigError extends BatonError {
  readonly code = 'CONFIG_ERROR' as const;
}

/** A service Baton depends on (PostgreSQL, NATS) could not be reached: the operator's to bring up or point at. */
export class ServiceUnavailableError extends BatonError {
  readonly code = 'SERVICE_UNAVAILABLE' as const;
}

export interface FieldIssue {
  /** Dotted path of the offending input field, e.g. `input.name`. */
  field: string;
  message: string;
}

/** Caller input failed validation. `field` names the first offending field. */
export class ValidationError extends BatonError {
  readonly code = 'VALIDATION_FAILED' as const;
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[], options: BatonErrorOptions = {}) {
    const first = issues[0];
    super(first ? `${first.field}: ${first.message}` : 'Invalid input', {
      ...options,
      details: { field: first?.field ?? null, issues, ...options.details },
    });
    this.issues = issues;
  }
  get field(): string | undefined {
    return this.issues[0]?.field;
  }
  static single(field: string, message: string, options: BatonErrorOptions = {}): ValidationError {
    return new ValidationError([{ field, message }], options);
  }
}

export class NotFoundError extends BatonError {
  readonly code = 'NOT_FOUND' as const;
}

/** The caller is known but may not do this. */
export class ForbiddenError extends BatonError {
  readonly code = 'FORBIDDEN' as const;
}

/** No valid credentials were presented. */
export class UnauthenticatedError extends BatonError {
  readonly code = 'UNAUTHENTICATED' as const;
}

/** The request conflicts with current state (e.g. a run that is not paused). */
export class ConflictError extends BatonError {
  readonly code = 'CONFLICT' as const;
}

/** The model misbehaved: timed out, failed, or returned output we cannot use. */
export class ModelError extends BatonError {
  readonly code = 'MODEL_ERROR' as const;
  readonly retryable: boolean;
  constructor(message: string, options: BatonErrorOptions & { retryable?: boolean } = {}) {
    super(message, options);
    this.retryable = options.retryable ?? false;
  }
}

/** A task was handed from agent to agent more often than its task loop allows: the model keeps passing it on. */
export class HandoffLimitError extends ModelError {
  constructor(taskId: string, limit: number, agents: readonly string[]) {
    super(`Task ${taskId} was handed off more than ${limit} times (${agents.join(' → ')})`, {
      details: { taskId, limit, agents: [...agents] },
    });
  }
}

/** A tool failed or was refused. Agents read it as a tool result, it never crashes a run. */
export class ToolError extends BatonError {
  readonly code = 'TOOL_ERROR' as const;
}

export class RateLimitedError extends BatonError {
  readonly code = 'RATE_LIMITED' as const;
  constructor(message: string, retryAfterSeconds: number, options: Pick<BatonErrorOptions, 'reason'> = {}) {
    super(message, { ...options, details: { retryAfter: retryAfterSeconds } });
  }
}

export class RunCancelledError extends BatonError {
  readonly code = 'RUN_CANCELLED' as const;
}

/** A subscription read more slowly than its events came and fell too far behind: resubscribe with `after`. */
export class SubscriberTooSlowError extends BatonError {
  readonly code = 'SUBSCRIBER_TOO_SLOW' as const;
}

export const isBatonError = (e: unknown): e is BatonError => e instanceof BatonError;
export const isValidationError = (e: unknown): e is ValidationError => e instanceof ValidationError;
export const isForbiddenError = (e: unknown): e is ForbiddenError => e instanceof ForbiddenError;
export const isModelError = (e: unknown): e is ModelError => e instanceof ModelError;
export const isHandoffLimitError = (e: unknown): e is HandoffLimitError => e instanceof HandoffLimitError;
export const isToolError = (e: unknown): e is ToolError => e instanceof ToolError;
export const isNotFoundError = (e: unknown): e is NotFoundError => e instanceof NotFoundError;

/** Converts zod-style issues (standard schema) into field issues. */
export function issuesFromStandard(
  issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }>,
  prefix?: string,
): FieldIssue[] {
  return issues.map((issue) => {
    const parts = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p));
    const field = [prefix, ...parts].filter(Boolean).join('.') || (prefix ?? 'input');
    return { field, message: issue.message };
  });
}
