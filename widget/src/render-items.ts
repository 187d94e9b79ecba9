import type { ChatItem, OrderSummary, ProductLine } from './chat-view.js';

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

/** A fresh node for an item. */
function create(item: ChatItem): HTMLElement {
  switch (item.kind) {
    case 'user':
      return el('div', 'msg user', item.text);
    case 'assistant':
      return el('div', 'msg assistant', item.text);
    case 'status':
      return el('div', 'status', item.text);
    case 'notice':
      return el('div', 'notice', item.text);
    case 'products':
      return productCard(item.title, item.products);
    case 'order':
      return orderCard(item.order);
  }
}

/** Patches `list` to show `items` in order, reusing the nodes of items whose id it has drawn before. */
export function renderItems(
  list: HTMLElement,
  items: readonly ChatItem[],
  drawn: Map<string, { item: ChatItem; node: HTMLElement }>,
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
    if (!entry || (entry.item !== item && (item.kind === 'products' || item.kind === 'order'))) {
      const node = create(item);
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
