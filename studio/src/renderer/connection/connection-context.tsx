import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Provider } from 'urql';
import { createBatonClient, type ServerConnection } from '../graphql/create-client.js';

const apiKeyStorageKey = 'baton.studio.apiKey';

interface ConnectionState {
  connection: ServerConnection & { name: string };
  /** True inside Electron: connections are managed by main (keys in safeStorage). */
  desktop: boolean;
  /** Browser only: the API key for this origin's server, kept in this browser's storage. */
  setBrowserApiKey(key: string | null): void;
}

const ConnectionContext = createContext<ConnectionState | null>(null);

export function useConnection(): ConnectionState {
  const value = useContext(ConnectionContext);
  if (!value) throw new Error('useConnection outside ConnectionProvider');
  return value;
}

/**
 * Picks the server to talk to. In Electron it is the active connection from main; in a browser it is the
 * server that served the page. Provides an urql client for it, rebuilt when the connection changes.
 */
export function ConnectionProvider({ children }: { children: ReactNode }) {
  const desktop = !!window.baton;
  const [connection, setConnection] = useState<(ServerConnection & { name: string }) | null>(() =>
    desktop ? null : { name: location.host, url: location.origin, apiKey: localStorage.getItem(apiKeyStorageKey) },
  );

  useEffect(() => {
    const api = window.baton;
    if (!api) return;
    const apply = (active: { name: string; url: string; apiKey: string | null } | null) =>
      setConnection(active ? { name: active.name, url: active.url, apiKey: active.apiKey } : null);
    void api.connections.active().then(apply);
    return api.connections.onChanged(apply);
  }, []);

  const setBrowserApiKey = useCallback((key: string | null) => {
    if (key) localStorage.setItem(apiKeyStorageKey, key);
    else localStorage.removeItem(apiKeyStorageKey);
    setConnection((c) => (c ? { ...c, apiKey: key } : c));
  }, []);

  const client = useMemo(() => (connection ? createBatonClient(connection) : null), [connection]);
  useEffect(() => () => client?.dispose(), [client]);

  if (!connection || !client)
    return (
      <div className="boot">
        <p>Connecting…</p>
      </div>
    );
  return (
    <ConnectionContext.Provider value={{ connection, desktop, setBrowserApiKey }}>
      <Provider value={client.client}>{children}</Provider>
    </ConnectionContext.Provider>
  );
}
