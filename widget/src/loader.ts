// The one script a shop embeds. It stays under 3 kB gzipped: it draws the launcher bubble in the workspace's
// brand colour and loads the chat itself (baton-chat-app.js, next to this file) only when the shopper opens it.
import { fetchBrand, paintBrand, type ServerBrand } from './brand-colors.js';

interface AppController {
  open(): void;
  close(): void;
  isOpen(): boolean;
  setCustomerToken(token: string | null): Promise<void>;
}
type Mount = (
  host: HTMLElement,
  root: ShadowRoot,
  launcher: HTMLButtonElement,
  brand: Promise<ServerBrand | null>,
) => AppController;

const script = document.currentScript as HTMLScriptElement | null;
const appUrl = new URL('baton-chat-app.js', script?.src ?? location.href).href;

const css = `:host{all:initial;position:fixed;z-index:2147483000;bottom:20px;right:20px;font:15px/1.4 system-ui,sans-serif}
:host([data-position=left]){right:auto;left:20px}
.launcher{width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;background:var(--baton-color,#1f4f99);color:var(--baton-on-color,#fff);box-shadow:0 4px 14px rgba(0,0,0,.25);display:grid;place-items:center}
.launcher:focus-visible{outline:3px solid #111;outline-offset:3px}
.launcher svg{width:28px;height:28px}`;

class BatonChatElement extends HTMLElement {
  private app?: Promise<AppController>;
  private launcher?: HTMLButtonElement;
  private pendingToken?: string | null;
  private brand: Promise<ServerBrand | null> = Promise.resolve(null);

  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    const d = this.dataset;
    paintBrand(this, d.color);
    // The workspace's brand (studio settings), unless the page's data-* attributes set all of it.
    const server = (d.server ?? new URL(appUrl).origin).replace(/\/+$/, '');
    if (!(d.name && d.color && d.greeting)) this.brand = fetchBrand(server);
    root.innerHTML = `<style>${css}</style><button class="launcher" part="launcher" aria-expanded="false" aria-haspopup="dialog"><svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg></button>`;
    const launcher = root.querySelector('button') as HTMLButtonElement;
    const label = (name?: string) => launcher.setAttribute('aria-label', `Open chat${name ? ` with ${name}` : ''}`);
    label(d.name);
    void this.brand.then((b) => {
      paintBrand(this, d.color ?? b?.color);
      if (launcher.getAttribute('aria-expanded') === 'false') label(d.name ?? b?.name);
    });
    launcher.addEventListener('click', () => void this.toggle());
    this.launcher = launcher;
    this.dispatchEvent(new CustomEvent('baton:ready', { bubbles: true, composed: true }));
  }

  /** Loads the chat (once) and opens its panel. */
  async open() {
    (await this.load()).open();
  }

  async close() {
    (await this.app)?.close();
  }

  async toggle() {
    const app = await this.load();
    if (app.isOpen()) app.close();
    else app.open();
  }

  /** Hands the shopper's identity over: a signed storefront token, or null when they sign out. */
  async setCustomerToken(token: string | null) {
    if (!this.app) {
      this.pendingToken = token;
      return;
    }
    await (await this.app).setCustomerToken(token);
  }

  private load(): Promise<AppController> {
    this.app ??= import(/* @vite-ignore */ appUrl).then(async (m: { mount: Mount }) => {
      const app = m.mount(this, this.shadowRoot as ShadowRoot, this.launcher as HTMLButtonElement, this.brand);
      if (this.pendingToken !== undefined) await app.setCustomerToken(this.pendingToken);
      return app;
    });
    return this.app;
  }
}

if (!customElements.get('baton-chat')) customElements.define('baton-chat', BatonChatElement);

// The one-line embed: <script src=".../widget/baton-chat.js" data-color="#0a7" async></script> adds the element.
if (script && !document.querySelector('baton-chat')) {
  const element = document.createElement('baton-chat');
  for (const [key, value] of Object.entries(script.dataset)) if (value !== undefined) element.dataset[key] = value;
  element.dataset.server ??= new URL(script.src).origin;
  const add = () => document.body.append(element);
  if (document.body) add();
  else addEventListener('DOMContentLoaded', add);
}
