import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
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

  // Made and disposed in one effect: under StrictMode (the dev build) an effect is set up, cleaned up and set up
  // again at mount, and a client made in useMemo was disposed by that first cleanup and kept in use. A disposed
  // graphql-ws client never reconnects, so after a dropped connection no subscription came back.
  const [client, setClient] = useState<ReturnType<typeof createBatonClient> | null>(null);
  useEffect(() => {
    if (!connection) {
      setClient(null);
      return;
    }
    const made = createBatonClient(connection);
    setClient(made);
    return () => made.dispose();
  }, [connection]);

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
