import type { MenuItemConstructorOptions } from 'electron';
import type { StudioView } from '../shared/ipc-channels.js';

const viewItems: { view: StudioView; label: string }[] = [
  { view: 'agents', label: 'Agents' },
  { view: 'playground', label: 'Playground' },
  { view: 'runs', label: 'Runs' },
  { view: 'feed', label: 'Live feed' },
  { view: 'settings', label: 'Settings' },
  { view: 'desk', label: 'Desk' },
  { view: 'experiments', label: 'Experiments' },
  { view: 'analytics', label: 'Analytics' },
];

/** The application menu: standard roles plus Go, which switches views with Cmd/Ctrl+1…8. */
export function buildMenuTemplate(options: {
  platform: NodeJS.Platform;
  navigate: (view: StudioView) => void;
}): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'Go',
      submenu: viewItems.map((item, i) => ({
        label: item.label,
        accelerator: `CmdOrCtrl+${i + 1}`,
        click: () => options.navigate(item.view),
      })),
    },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
}
