import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { ConfirmDialog } from '../ui/confirm-dialog.js';

export interface Route {
  /** Path segments after `#/`, e.g. ['agents', 'edit', 'ReturnsAgent']. */
  segments: string[];
  query: URLSearchParams;
  hash: string;
}

interface RouterState {
  route: Route;
  navigate(to: string): void;
  /** Marks a view as holding unsaved changes; navigation then asks first. */
  setDirty(owner: string, dirty: boolean): void;
}

const RouterContext = createContext<RouterState | null>(null);

export function useRouter(): RouterState {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useRouter outside RouterProvider');
  return value;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?');
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { segments: segments.length ? segments : ['agents'], query: new URLSearchParams(search), hash: `#/${raw}` };
}

/** A hash router (works under /studio on the server and under app:// in Electron) with an unsaved-changes guard. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  const [pending, setPending] = useState<string | null>(null);
  const dirty = useRef(new Set<string>());
  const current = useRef(route.hash);

  const go = useCallback((hash: string) => {
    current.current = hash;
    if (location.hash !== hash) location.hash = hash;
    setRoute(parseHash(hash));
  }, []);

  const navigate = useCallback(
    (to: string) => {
      const hash = to.startsWith('#') ? to : `#${to}`;
      if (hash === current.current) return;
      if (dirty.current.size) setPending(hash);
      else go(hash);
    },
    [go],
  );

  useEffect(() => {
    // Back/forward buttons change the hash directly: undo it, and ask when something is unsaved.
    const onHashChange = () => {
      const hash = location.hash || '#/agents';
      if (hash === current.current) return;
      if (dirty.current.size) {
        history.replaceState(null, '', current.current);
        setPending(hash);
      } else go(hash);
    };
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (dirty.current.size) e.preventDefault();
    };
    window.addEventListener('hashchange', onHashChange);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      window.removeEventListener('hashchange', onHashChange);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [go]);

  const setDirty = useCallback((owner: string, isDirty: boolean) => {
    if (isDirty) dirty.current.add(owner);
    else dirty.current.delete(owner);
  }, []);

  return (
    <RouterContext.Provider value={{ route, navigate, setDirty }}>
      {children}
      {pending && (
        <ConfirmDialog
          title="Discard unsaved changes?"
          confirmLabel="Discard changes"
          tone="danger"
          onCancel={() => setPending(null)}
          onConfirm={() => {
            dirty.current.clear();
            const to = pending;
            setPending(null);
            go(to);
          }}
        >
          You have edits that are not saved. Leaving this page discards them.
        </ConfirmDialog>
      )}
    </RouterContext.Provider>
  );
}

/** Registers the calling view's unsaved state with the router for as long as it is mounted. */
export function useUnsavedChanges(owner: string, dirty: boolean) {
  const { setDirty } = useRouter();
  useEffect(() => {
    setDirty(owner, dirty);
    return () => setDirty(owner, false);
  }, [owner, dirty, setDirty]);
}
