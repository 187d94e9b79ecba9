import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate } from '../../../studio/src/main/app-menu.js';

describe('application menu', () => {
  it('has a Go menu that switches views with Cmd/Ctrl+1…8', () => {
    const navigate = vi.fn();
    const template = buildMenuTemplate({ platform: 'linux', navigate });
    const go = template.find((m) => m.label === 'Go')!;
    const items = go.submenu as MenuItemConstructorOptions[];
    expect(items.map((i) => [i.label, i.accelerator])).toEqual([
      ['Agents', 'CmdOrCtrl+1'],
      ['Playground', 'CmdOrCtrl+2'],
      ['Runs', 'CmdOrCtrl+3'],
      ['Live feed', 'CmdOrCtrl+4'],
      ['Settings', 'CmdOrCtrl+5'],
      ['Desk', 'CmdOrCtrl+6'],
      ['Experiments', 'CmdOrCtrl+7'],
      ['Analytics', 'CmdOrCtrl+8'],
    ]);
    (items[3]!.click as () => void)();
    expect(navigate).toHaveBeenCalledWith('feed');
  });

  it('adds the app menu on macOS only', () => {
    expect(buildMenuTemplate({ platform: 'darwin', navigate: vi.fn() })[0]).toEqual({ role: 'appMenu' });
    expect(buildMenuTemplate({ platform: 'win32', navigate: vi.fn() })[0]).toEqual({ role: 'fileMenu' });
  });
});
