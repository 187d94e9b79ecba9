/** The studio's views; the menu navigates to them and the renderer routes by them. */
export const studioViews = [
  'agents',
  'playground',
  'runs',
  'feed',
  'settings',
  'desk',
  'experiments',
  'analytics',
] as const;
export type StudioView = (typeof studioViews)[number];

/** A saved server connection as the renderer sees it: the API key never leaves main except for the active one. */
export interface ConnectionSummary {
  id: string;
  name: string;
  url: string;
  hasApiKey: boolean;
  active: boolean;
}

/** What the renderer sends to save a connection. Leaving `apiKey` undefined keeps the stored key. */
export interface ConnectionInput {
  id?: string;
  name: string;
  url: string;
  apiKey?: string | null;
}

/** The connection the renderer talks to, with its decrypted key. */
export interface ActiveConnection {
  id: string;
  name: string;
  url: string;
  apiKey: string | null;
}

/** Request/response channels (renderer → main, `ipcRenderer.invoke`). One map, both sides typed from it. */
export interface InvokeChannels {
  'connections:list': { args: []; result: ConnectionSummary[] };
  'connections:save': { args: [input: ConnectionInput]; result: ConnectionSummary };
  'connections:remove': { args: [id: string]; result: ConnectionSummary[] };
  'connections:activate': { args: [id: string]; result: ActiveConnection };
  'connections:active': { args: []; result: ActiveConnection | null };
  'app:info': { args: []; result: { version: string; platform: string; secureStorage: boolean } };
}

/** Events main sends to the renderer (`webContents.send`). */
export interface EventChannels {
  'menu:navigate': StudioView;
  'connections:changed': ActiveConnection | null;
}

export type InvokeChannel = keyof InvokeChannels;
export type EventChannel = keyof EventChannels;

export const invokeChannels = [
  'connections:list',
  'connections:save',
  'connections:remove',
  'connections:activate',
  'connections:active',
  'app:info',
] as const satisfies readonly InvokeChannel[];

export const eventChannels = ['menu:navigate', 'connections:changed'] as const satisfies readonly EventChannel[];
