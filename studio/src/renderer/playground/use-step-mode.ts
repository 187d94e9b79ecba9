import { useCallback, useState } from 'react';

/** Step mode is remembered per conversation for this browser tab; `null` is the conversation not started yet. */
const storageKey = (conversationId: string | null) => `baton.studio.stepMode.${conversationId ?? 'new'}`;

export function readStepMode(conversationId: string | null): boolean {
  return sessionStorage.getItem(storageKey(conversationId)) === 'on';
}

export function writeStepMode(conversationId: string | null, on: boolean): void {
  if (on) sessionStorage.setItem(storageKey(conversationId), 'on');
  else sessionStorage.removeItem(storageKey(conversationId));
}

/**
 * Whether the playground sends in step mode. It stays on for a conversation, across its messages, a
 * reload and visits to other views, until the designer turns it off.
 */
export function useStepMode(conversationId: string | null): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => readStepMode(conversationId));
  const set = useCallback(
    (value: boolean) => {
      writeStepMode(conversationId, value);
      setOn(value);
    },
    [conversationId],
  );
  return [on, set];
}
