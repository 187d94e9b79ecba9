import { useEffect } from 'react';
import { AgentsView } from './agents/agents-view.js';
import { AnalyticsView } from './analytics/analytics-view.js';
import { ConnectionProvider } from './connection/connection-context.js';
import { usePermissions } from './connection/permissions.js';
import { useViewer } from './connection/use-viewer.js';
import { DeskView } from './desk/desk-view.js';
import { ExperimentsView } from './experiments/experiments-view.js';
import { LiveFeedView } from './feed/live-feed-view.js';
import { PlaygroundView } from './playground/playground-view.js';
import { RunsView } from './runs/runs-view.js';
import { SettingsView } from './settings/settings-view.js';
import { RouterProvider, useRouter } from './shell/router.js';
import { Sidebar } from './shell/sidebar.js';
import { EmptyState } from './ui/empty-state.js';

export function App() {
  return (
    <ConnectionProvider>
      <RouterProvider>
        <Shell />
      </RouterProvider>
    </ConnectionProvider>
  );
}

function Shell() {
  const { route, navigate } = useRouter();
  // The desktop menu (Go → Agents…) navigates through the preload.
  useEffect(() => window.baton?.onNavigate((view) => navigate(`/${view}`)), [navigate]);
  const [view] = route.segments;
  // Pages offer what the credentials may do (connection/permissions.ts): nothing is shown before the server said
  // who they are, so no edit control flashes up for a key that may not use it.
  const known = useViewer() !== undefined;
  const may = usePermissions();
  return (
    <div className="shell">
      <Sidebar current={view ?? 'agents'} />
      <main className="main" id="main" aria-busy={!known}>
        {!known ? null : view === 'playground' ? (
          <PlaygroundView />
        ) : view === 'runs' ? (
          <RunsView />
        ) : view === 'feed' ? (
          <LiveFeedView />
        ) : view === 'settings' ? (
          <SettingsView />
        ) : view === 'experiments' ? (
          <ExperimentsView />
        ) : view === 'analytics' ? (
          <AnalyticsView />
        ) : view === 'desk' ? (
          may('workDesk') ? (
            <DeskView />
          ) : (
            <EmptyState title="The Desk is for support colleagues">
              It needs a support or admin key: these credentials do not claim or answer conversations.
            </EmptyState>
          )
        ) : (
          <AgentsView />
        )}
      </main>
    </div>
  );
}
