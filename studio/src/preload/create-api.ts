import type { EventChannels, InvokeChannels, StudioView } from '../shared/ipc-channels.js';

export type Invoke = <C extends keyof InvokeChannels>(
  channel: C,
  ...args: InvokeChannels[C]['args']
) => Promise<InvokeChannels[C]['result']>;

export type Subscribe = <C extends keyof EventChannels>(
  channel: C,
  listener: (payload: EventChannels[C]) => void,
) => () => void;

/**
 * The named API the preload exposes as `window.baton`. It takes the two IPC primitives as arguments, so it
 * has no Electron import and the renderer can take its type without seeing Node.
 */
export function createApi(invoke: Invoke, subscribe: Subscribe) {
  return {
    connections: {
      list: () => invoke('connections:list'),
      save: (input: InvokeChannels['connections:save']['args'][0]) => invoke('connections:save', input),
      remove: (id: string) => invoke('connections:remove', id),
      activate: (id: string) => invoke('connections:activate', id),
      active: () => invoke('connections:active'),
      onChanged: (listener: (active: EventChannels['connections:changed']) => void) =>
        subscribe('connections:changed', listener),
    },
    app: { info: () => invoke('app:info') },
    onNavigate: (listener: (view: StudioView) => void) => subscribe('menu:navigate', listener),
  };
}

export type BatonApi = ReturnType<typeof createApi>;
