import { formAnswer, type OrderSummary, type ProductLine } from '@baton/client';
import type { ChatItem } from './chat-view.js';

/** What a drawn item can do: a form sends what was filled in as the shopper's next message. */
export interface ItemActions {
  /** Resolves true once sent; false when it could not be (the form can be sent again). */
  send(text: string): Promise<boolean>;
}

type FormItem = Extract<ChatItem, { kind: 'form' }>;

const money = (n: number | null) => (n === null ? '' : `$${n.toFixed(2)}`);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function productCard(title: string, products: readonly ProductLine[]): HTMLElement {
  const card = el('section', 'card');
  card.setAttribute('aria-label', title);
  card.append(el('h3', '', title));
  const list = el('ul', '');
  for (const p of products) {
    const li = el('li', '');
    li.append(el('span', 'name', p.name), el('span', 'price', money(p.price)), el('span', 'opts', p.options));
    li.append(el('span', `stock${p.inStock ? '' : ' out'}`, p.inStock ? 'In stock' : 'Out of stock'));
    list.append(li);
  }
  card.append(list);
  return card;
}

function orderCard(order: OrderSummary): HTMLElement {
  const card = el('section', 'card order');
  card.setAttribute('aria-label', `Order ${order.orderId}`);
  const heading = el('h3', '', `Order ${order.orderId} `);
  heading.append(el('span', 'badge', order.status));
  card.append(heading);
  const list = el('ul', '');
  for (const item of order.items) {
    const li = el('li', '');
    li.append(el('span', 'name', item.name), el('span', 'price', money(item.price)), el('span', 'opts', item.options));
    list.append(li);
  }
  card.append(list);
  if (order.tracking.length) card.append(el('p', 'opts', `Tracking: ${order.tracking.join(', ')}`));
  return card;
}

const CHANGE_NOTE: Record<Extract<ChatItem, { kind: 'change' }>['state'], string> = {
  waiting: 'Nothing changes until you reply yes.',
  answered: '',
  done: 'Done.',
};

/** A change held until the shopper says yes, in the store's words: what they are agreeing to. */
function changeCard(item: Extract<ChatItem, { kind: 'change' }>): HTMLElement {
  const card = el('section', `card change ${item.state}`);
  card.setAttribute('aria-label', `To confirm: ${item.title}`);
  card.append(el('h3', '', item.title));
  const list = el('ul', '');
  for (const line of item.lines) list.append(el('li', '', line));
  card.append(list);
  const note = CHANGE_NOTE[item.state];
  if (note) card.append(el('p', 'opts', note));
  return card;
}

/** A form an agent asked for: what is filled in is sent as the shopper's next message (formAnswer). Answered, it stays on screen, disabled. */
function formCard(item: FormItem, actions: ItemActions): HTMLElement {
  const form = el('form', 'card form');
  form.setAttribute('aria-label', item.title);
  form.append(el('h3', '', item.title));
  if (item.description) form.append(el('p', 'opts', item.description));
  const inputs = item.fields.map((f, i) => {
    const id = `${item.id}:${i}`;
    const label = el('label', '', f.label);
    label.htmlFor = id;
    const input = f.type === 'textarea' || f.type === 'address' ? el('textarea', '') : el('input', '');
    if (input instanceof HTMLInputElement) input.type = f.type;
    input.id = id;
    input.name = f.name;
    input.required = f.required;
    input.disabled = item.answered;
    if (f.autocomplete) input.autocomplete = f.autocomplete as AutoFill;
    if (f.placeholder) input.placeholder = f.placeholder;
    form.append(label, input);
    return { field: f, input };
  });
  const submit = el('button', '', item.answered ? 'Sent' : item.submitLabel);
  submit.type = 'submit';
  submit.disabled = item.answered;
  form.append(submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const answer = formAnswer(inputs.map(({ input }) => input.value));
    if (!answer) return;
    submit.disabled = true;
    void actions.send(answer).then((sent) => {
      if (!sent) submit.disabled = false;
    });
  });
  return form;
}

/** A fresh node for an item. */
function create(item: ChatItem, actions: ItemActions): HTMLElement {
  switch (item.kind) {
    case 'user':
      return el('div', 'msg user', item.text);
    case 'assistant': {
      const node = el('div', item.author ? 'msg assistant person' : 'msg assistant', item.text);
      // Shown above the text (styles.ts); kept out of the text, which is the message as it was written.
      if (item.author) node.dataset.author = item.author;
      return node;
    }
    case 'status':
      return el('div', 'status', item.text);
    case 'notice':
      return el('div', 'notice', item.text);
    case 'products':
      return productCard(item.title, item.products);
    case 'order':
      return orderCard(item.order);
    case 'form':
      return formCard(item, actions);
    case 'change':
      return changeCard(item);
  }
}

/** Patches `list` to show `items` in order, reusing the nodes of items whose id it has drawn before. */
export function renderItems(
  list: HTMLElement,
  items: readonly ChatItem[],
  drawn: Map<string, { item: ChatItem; node: HTMLElement }>,
  actions: ItemActions,
) {
  const keep = new Set(items.map((i) => i.id));
  for (const [id, entry] of drawn)
    if (!keep.has(id)) {
      entry.node.remove();
      drawn.delete(id);
    }
  let previous: HTMLElement | null = null;
  for (const item of items) {
    let entry = drawn.get(item.id);
    if (
      !entry ||
      (entry.item !== item &&
        (item.kind === 'products' || item.kind === 'order' || item.kind === 'form' || item.kind === 'change'))
    ) {
      const node = create(item, actions);
      entry?.node.replaceWith(node);
      entry = { item, node };
      drawn.set(item.id, entry);
    } else if (entry.item !== item) {
      if ('text' in item) entry.node.textContent = item.text;
      entry.item = item;
    }
    const node = entry.node;
    if (item.kind === 'assistant') {
      node.classList.toggle('streaming', item.streaming);
      node.setAttribute('aria-busy', String(item.streaming));
    }
    if (item.kind === 'status') node.classList.toggle('done', item.done);
    const expected: ChildNode | null = previous ? previous.nextSibling : list.firstChild;
    if (expected !== node) list.insertBefore(node, expected);
    previous = node;
  }
}
