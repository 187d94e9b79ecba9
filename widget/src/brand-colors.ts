/** Brand colours shared by the loader and the panel (each bundles its own copy: a few bytes). */

/** The server's brand, as `{ brand { name color greeting } }` returns it. */
export interface ServerBrand {
  name: string;
  color: string;
  greeting: string;
}

/** The brand query, sent as a GET so that a shop page on another origin needs no preflight. */
export const brandQueryUrl = (server: string) =>
  `${server}/graphql?query=${encodeURIComponent('{brand{name color greeting}}')}`;

/** Fetches the workspace's brand; null when the server cannot be reached or has none (the defaults then hold). */
export async function fetchBrand(server: string): Promise<ServerBrand | null> {
  try {
    const res = await fetch(brandQueryUrl(server));
    const body = (await res.json()) as { data?: { brand?: ServerBrand } };
    return body.data?.brand ?? null;
  } catch {
    return null;
  }
}

/**
 * Text colour that stays readable on `color` (WCAG relative luminance: dark text on light brands, white on
 * dark ones). Non-hex colours (a data-color like "teal") keep white text.
 */
export function readableOn(color: string): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim())?.[1];
  if (!hex) return '#fff';
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast against white is (1.05)/(L+0.05); against #111 it is (L+0.05)/(0.0056+0.05). Pick the larger.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.0556 ? '#fff' : '#111';
}

/** Sets the brand colour and its readable text colour on the element, for its shadow root's CSS. */
export function paintBrand(host: HTMLElement, color: string | null | undefined) {
  if (!color || (typeof CSS !== 'undefined' && !CSS.supports('color', color))) return;
  host.style.setProperty('--baton-color', color);
  host.style.setProperty('--baton-on-color', readableOn(color));
}
