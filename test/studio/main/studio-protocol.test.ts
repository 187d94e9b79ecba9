import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStudioFile, studioEntryUrl } from '../../../studio/src/main/studio-protocol.js';

const dir = '/opt/baton/renderer';
const files = new Set([join(dir, 'index.html'), join(dir, 'assets/index-abc.js')]);
const isFile = (p: string) => files.has(p);

describe('app:// protocol', () => {
  it('serves the renderer build under /studio/, as the server does', () => {
    expect(resolveStudioFile(studioEntryUrl, dir, isFile)).toBe(join(dir, 'index.html'));
    expect(resolveStudioFile('app://studio/studio/assets/index-abc.js', dir, isFile)).toBe(
      join(dir, 'assets/index-abc.js'),
    );
  });

  it('answers unknown paths with index.html and never leaves the build folder', () => {
    expect(resolveStudioFile('app://studio/studio/agents/edit/X', dir, isFile)).toBe(join(dir, 'index.html'));
    expect(resolveStudioFile('app://studio/studio/..%2F..%2Fetc%2Fpasswd', dir, () => true)).toBe(
      join(dir, 'index.html'),
    );
  });
});
