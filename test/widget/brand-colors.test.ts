import { describe, expect, it } from 'vitest';
import { brandQueryUrl, readableOn } from '../../widget/src/brand-colors.js';

describe('readableOn', () => {
  it('puts white text on dark brand colours and dark text on light ones', () => {
    expect(readableOn('#1f4f99')).toBe('#fff');
    expect(readableOn('#0a7d5a')).toBe('#fff');
    expect(readableOn('#000')).toBe('#fff');
    expect(readableOn('#ffd23f')).toBe('#111');
    expect(readableOn('#FFF')).toBe('#111');
    expect(readableOn('#7fdbff')).toBe('#111');
  });

  it('keeps white text for colours it cannot read (a data-color such as "teal")', () => {
    expect(readableOn('teal')).toBe('#fff');
    expect(readableOn('#12345')).toBe('#fff');
  });
});

describe('brandQueryUrl', () => {
  it('asks the server for the brand with a GET a page of another origin can send without a preflight', () => {
    const url = new URL(brandQueryUrl('https://baton.example.com'));
    expect(url.origin + url.pathname).toBe('https://baton.example.com/graphql');
    expect(url.searchParams.get('query')).toBe('{brand{name color greeting}}');
  });
});
