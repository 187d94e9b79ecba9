import type { Principal } from '../auth/principal.js';
import { ForbiddenError, ValidationError } from '../errors.js';

/** A support colleague acting on the desk: a stable id (who may reply as the owner) and the name shoppers see. */
export interface DeskActor {
  /** `key:<api key id>`, or `name:<name>` for anonymous callers with AUTH_MODE=off. */
  id: string;
  name: string;
  /** Admins may act on a conversation another colleague owns (hand back, resolve). */
  admin: boolean;
}

/**
 * The colleague behind a request. `displayName` overrides the API key's name (a shared studio key used
 * by several people); without keys (AUTH_MODE=off) it is required.
 */
export function deskActor(principal: Principal, displayName?: string | null): DeskActor {
  const name = displayName?.trim();
  if (name !== undefined && (name.length === 0 || name.length > 80))
    throw ValidationError.single('as', 'a name of 1 to 80 characters');
  if (principal.kind === 'key') {
    if (principal.role !== 'admin' && principal.role !== 'support')
      throw new ForbiddenError('Only support colleagues and admins work on the desk');
    return { id: `key:${principal.keyId}`, name: name || principal.name, admin: principal.role === 'admin' };
  }
  if (principal.kind === 'anonymous' && principal.devAdmin) {
    if (!name) throw ValidationError.single('as', 'without API keys, say who you are');
    return { id: `name:${name}`, name, admin: true };
  }
  throw new ForbiddenError('Only support colleagues and admins work on the desk');
}
