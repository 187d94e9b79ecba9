import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MarkdownText } from '../../../studio/src/renderer/ui/markdown-text.js';

const render = (text: string) => renderToStaticMarkup(createElement(MarkdownText, { text }));

describe('MarkdownText', () => {
  it('renders lists, emphasis and links from a reply', () => {
    const html = render(
      'Here are two options:\n\n- **Blender jar**, $25\n- A [tamper](https://shop.example/tamper)\n\nAnything else?',
    );
    expect(html).toContain('<ul>');
    expect(html).toContain('<li><strong>Blender jar</strong>, $25</li>');
    expect(html).toContain(
      '<a href="https://shop.example/tamper" target="_blank" rel="noopener noreferrer">tamper</a>',
    );
    expect(html).not.toContain('- ');
  });

  it('drops raw HTML and unsafe links instead of rendering them', () => {
    const html = render(
      'Hi <script>alert(1)</script><img src=x onerror="alert(2)"> [click](javascript:alert(3)) <b>bold?</b>',
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('onerror');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('click');
  });
});
