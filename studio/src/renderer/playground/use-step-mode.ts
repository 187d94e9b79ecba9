import { useCallback, useState } from 'react';

/** Per-conversation switches of the composer: step mode, and plan review of AUTO runs. */
export type RunSwitch = 'stepMode' | 'reviewPlan';

/** Remembered per conversation for this browser tab; `null` is the conversation not started yet. */
const storageKey = (name: RunSwitch, conversationId: string | null) =>
  `baton.studio.${name}.${conversationId ?? 'new'}`;

export function readRunSwitch(name: RunSwitch, conversationId: string | null): boolean {
  return sessionStorage.getItem(storageKey(name, conversationId)) === 'on';
}

export function writeRunSwitch(name: RunSwitch, conversationId: string | null, on: boolean): void {
  if (on) sessionStorage.setItem(storageKey(name, conversationId), 'on');
  else sessionStorage.removeItem(storageKey(name, conversationId));
}

/**
 * Whether the playground sends in step mode (or asks to review the plan). It stays on for a
 * conversation, across its messages, a reload and visits to other views, until the designer turns it off.
 */
export function useRunSwitch(name: RunSwitch, conversationId: string | null): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => readRunSwitch(name, conversationId));
  const set = useCallback(
    (value: boolean) => {
      writeRunSwitch(name, conversationId, value);
      setOn(value);
    },
    [name, conversationId],
  );
  return [on, set];
}
