import { type BatonClient, type Conversation, createBatonClient } from '@baton/client';
import { paintBrand, type ServerBrand } from './brand-colors.js';
import { type ChatView, emptyView, reduceView } from './chat-view.js';
import { renderItems } from './render-items.js';
import { panelCss } from './styles.js';

/** What the panel is themed with: the element's data-* attributes over the workspace's brand over the defaults. */
interface Brand {
  name: string;
  color: string | null;
  greeting: string;
}

const panelHtml = `<style>${panelCss}</style>
<section class="panel" role="dialog" aria-modal="false" hidden>
  <div class="head"><h2 id="title"></h2><span class="conn" role="status"></span><button class="icon close" type="button" aria-label="Close chat">×</button></div>
  <div class="log" role="log" aria-live="polite" aria-labelledby="title" tabindex="0"><p class="notice greeting"></p><div class="items"></div></div>
  <div class="typing" role="status" aria-live="polite"></div>
  <div class="quick" role="group" aria-label="Quick replies"></div>
  <div class="waiting" hidden><button class="withdraw" type="button">I don't need a person any more</button></div>
  <form class="composer"><label class="sr" for="input">Message</label><textarea id="input" rows="1" placeholder="Type your message…"></textarea><button type="submit">Send</button></form>
</section>`;

/**
 * Builds the chat panel in the element's shadow root; the loader calls it on first open, with the workspace's
 * brand it fetched (or is fetching) when it drew the launcher.
 */
export function mount(
  host: HTMLElement,
  root: ShadowRoot,
  launcher: HTMLButtonElement,
  serverBrand: Promise<ServerBrand | null> = Promise.resolve(null),
) {
  const server = (host.dataset.server ?? new URL(import.meta.url).origin).replace(/\/+$/, '');
  const template = document.createElement('template');
  template.innerHTML = panelHtml;
  root.append(template.content);
  const $ = <T extends Element>(selector: string) => root.querySelector(selector) as T;
  const panel = $<HTMLElement>('.panel');
  const title = $<HTMLElement>('#title');
  const conn = $<HTMLElement>('.conn');
  const log = $<HTMLElement>('.log');
  const greeting = $<HTMLElement>('.greeting');
  const list = $<HTMLElement>('.items');
  const typing = $<HTMLElement>('.typing');
  const quick = $<HTMLElement>('.quick');
  const waiting = $<HTMLElement>('.waiting');
  const withdraw = $<HTMLButtonElement>('.withdraw');
  const form = $<HTMLFormElement>('form.composer');
  const input = $<HTMLTextAreaElement>('#input');
  const send = $<HTMLButtonElement>('.composer button');
  panel.id = 'baton-panel';
  launcher.setAttribute('aria-controls', 'baton-panel');

  const brand: Brand = { name: 'Support', color: null, greeting: 'Hi! How can we help you today?' };
  const applyBrand = (b: Partial<Brand>) => {
    const d = host.dataset;
    brand.name = d.name ?? b.name ?? brand.name;
    brand.color = d.color ?? b.color ?? brand.color;
    brand.greeting = d.greeting ?? b.greeting ?? brand.greeting;
    title.textContent = brand.name;
    panel.setAttribute('aria-label', `Chat with ${brand.name}`);
    greeting.textContent = brand.greeting;
    launcher.setAttribute('aria-label', `${panel.hidden ? 'Open' : 'Close'} chat with ${brand.name}`);
    paintBrand(host, brand.color);
  };
  applyBrand({});
  void serverBrand.then((b) => b && applyBrand(b));

  const client: BatonClient = createBatonClient({ url: server });
  let conversation: Conversation | undefined;
  let connecting: Promise<Conversation> | undefined;
  let view: ChatView = emptyView;
  let stopListening: (() => void)[] = [];
  const drawn = new Map();
  let customerToken: string | null = host.dataset.customerToken ?? null;

  const render = () => {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    renderItems(list, view.items, drawn, { send: (text) => submit(text, false) });
    typing.textContent = view.activeRuns.length ? `${brand.name} is typing…` : '';
    quick.replaceChildren(
      ...view.quickReplies.map((text) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = text;
        b.addEventListener('click', () => void submit(text, false));
        return b;
      }),
    );
    // While the shopper waits for a colleague, they may take the request back.
    waiting.hidden = !view.waitingForPerson;
    if (atBottom) log.scrollTop = log.scrollHeight;
  };

  const follow = (c: Conversation) => {
    for (const stop of stopListening) stop();
    view = emptyView;
    drawn.clear();
    render();
    stopListening = [
      c.on((event) => {
        view = reduceView(view, event);
        render();
      }),
      c.onStateChange((state) => {
        conn.textContent = state === 'reconnecting' ? 'Reconnecting…' : state === 'closed' ? 'Offline' : '';
      }),
    ];
    conversation = c;
    return c;
  };

  /** The tab's conversation: started (or restored) when first needed. */
  const ensure = () => {
    if (conversation) return Promise.resolve(conversation);
    connecting ??= (async () => {
      const sessionUrl = host.dataset.sessionUrl;
      if (sessionUrl) {
        // Production identity hand-over: the shop's backend starts the conversation and returns its token.
        const res = await fetch(sessionUrl, { method: 'POST', credentials: 'include' });
        return follow(client.resume((await res.json()) as { conversationId: string; token: string }));
      }
      return follow(await client.conversation(customerToken ? { customerToken } : {}));
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  /**
   * Sends a message: the composer's (`fromComposer`, cleared once sent), a quick reply's or a form's. Resolves
   * whether it was sent; a failure is shown in the header.
   */
  const submit = async (text: string, fromComposer = true): Promise<boolean> => {
    const trimmed = text.trim();
    if (!trimmed) return false;
    send.disabled = true;
    try {
      const c = await ensure();
      await c.send(trimmed);
      if (fromComposer) input.value = '';
      return true;
    } catch (err) {
      conn.textContent = err instanceof Error ? err.message : 'Could not send';
      return false;
    } finally {
      send.disabled = false;
      input.focus();
    }
  };

  /** The bot answers again; the conversation's events hide the button and bring the desk's confirmation. */
  withdraw.addEventListener('click', async () => {
    if (!conversation) return;
    withdraw.disabled = true;
    try {
      await conversation.withdrawHumanRequest();
    } catch (err) {
      // CONFLICT: a colleague took the conversation meanwhile (their joining hides the button).
      conn.textContent = err instanceof Error ? err.message : 'Could not cancel the request';
    } finally {
      withdraw.disabled = false;
    }
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit(input.value);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit(input.value);
    }
  });
  root.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Escape' && !panel.hidden) controller.close();
  });
  $<HTMLButtonElement>('.close').addEventListener('click', () => controller.close());

  const controller = {
    open() {
      panel.hidden = false;
      host.classList.add('open');
      launcher.setAttribute('aria-expanded', 'true');
      launcher.setAttribute('aria-label', `Close chat with ${brand.name}`);
      input.focus();
      void ensure().catch((err: Error) => {
        conn.textContent = err.message;
      });
    },
    close() {
      panel.hidden = true;
      host.classList.remove('open');
      launcher.setAttribute('aria-expanded', 'false');
      launcher.setAttribute('aria-label', `Open chat with ${brand.name}`);
      launcher.focus();
    },
    isOpen: () => !panel.hidden,
    /** A shopper who signs in (or out) gets a conversation of their own; the anonymous one is not carried over. */
    async setCustomerToken(token: string | null) {
      if (token === customerToken) return;
      customerToken = token;
      conversation?.close();
      conversation = undefined;
      client.forget();
      if (!panel.hidden) await ensure();
    },
  };
  return controller;
}
