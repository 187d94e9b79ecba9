import type { StudioView } from '../../shared/ipc-channels.js';
import { useConnection } from '../connection/connection-context.js';
import { type StudioAction, usePermissions } from '../connection/permissions.js';

/** `needs`: a view whose every operation the server refuses without it is not listed. */
const items: { view: StudioView; label: string; icon: string; needs?: StudioAction }[] = [
  { view: 'agents', label: 'Agents', icon: 'M4 6h16M4 12h16M4 18h10' },
  // A support key writes to shoppers from the Desk: every message of the Playground would be refused it.
  { view: 'playground', label: 'Playground', icon: 'M4 5h16v10H9l-5 4z', needs: 'chatAsShopper' },
  { view: 'runs', label: 'Runs', icon: 'M12 4v8l5 3M12 21a9 9 0 1 1 0-18 9 9 0 0 1 0 18z' },
  { view: 'feed', label: 'Live feed', icon: 'M4 12h4l3-7 4 14 3-7h2' },
  { view: 'experiments', label: 'Experiments', icon: 'M9 3h6M10 3v6l-5 9a2 2 0 0 0 2 3h10a2 2 0 0 0 2-3l-5-9V3' },
  { view: 'analytics', label: 'Analytics', icon: 'M4 20V10M10 20V4M16 20v-8M22 20H2' },
  { view: 'desk', label: 'Desk', icon: 'M4 14v-2a8 8 0 0 1 16 0v2M4 14h3v5H4zM17 14h3v5h-3z', needs: 'workDesk' },
  { view: 'settings', label: 'Settings', icon: 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM4 12h2M18 12h2M12 4v2M12 18v2' },
];

/** The left navigation: one link per view, the current one marked with aria-current. */
export function Sidebar({ current }: { current: string }) {
  const { connection } = useConnection();
  const may = usePermissions();
  return (
    <nav className="sidebar" aria-label="Studio">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span>Baton Studio</span>
      </div>
      <ul>
        {items
          .filter((item) => !item.needs || may(item.needs))
          .map((item) => (
            <li key={item.view}>
              <a href={`#/${item.view}`} aria-current={current === item.view ? 'page' : undefined}>
                <svg viewBox="0 0 24 24" aria-hidden="true" className="nav-icon">
                  <path d={item.icon} />
                </svg>
                {item.label}
              </a>
            </li>
          ))}
      </ul>
      <div className="sidebar-footer" title={connection.url}>
        <span className="dot dot-green" aria-hidden="true" />
        <span className="truncate">{connection.name}</span>
      </div>
    </nav>
  );
}
