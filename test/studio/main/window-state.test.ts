import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultWindowState,
  fitToDisplays,
  loadWindowState,
  saveWindowState,
} from '../../../studio/src/main/window-state.js';

const laptop = { x: 0, y: 0, width: 1440, height: 900 };

describe('window state', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baton-window-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('opens at 1280×800 the first time', async () => {
    expect(await loadWindowState(join(dir, 'missing.json'), [laptop])).toEqual(defaultWindowState);
  });

  it('restores the saved bounds and maximised state', async () => {
    const file = join(dir, 'w.json');
    await saveWindowState(file, { x: 40, y: 30, width: 1300, height: 820, maximized: true });
    expect(await loadWindowState(file, [laptop])).toEqual({ x: 40, y: 30, width: 1300, height: 820, maximized: true });
  });

  it('falls back to the default for a damaged file', async () => {
    const file = join(dir, 'w.json');
    await writeFile(file, 'not json');
    expect(await loadWindowState(file, [laptop])).toEqual(defaultWindowState);
  });

  it('drops the position of a window saved on a monitor that is gone', () => {
    const state = { x: 2000, y: 100, width: 1280, height: 800, maximized: false };
    expect(fitToDisplays(state, [laptop])).toEqual({ width: 1280, height: 800, maximized: false });
    const external = { x: 1440, y: 0, width: 2560, height: 1440 };
    expect(fitToDisplays(state, [laptop, external])).toEqual(state);
  });

  it('shrinks a window larger than its display', () => {
    const state = { x: 10, y: 10, width: 2000, height: 1200, maximized: false };
    expect(fitToDisplays(state, [laptop])).toMatchObject({ width: 1440, height: 900 });
  });
});
