import { useEffect } from 'react';
import { AgentsView } from './agents/agents-view.js';
import { AnalyticsView } from './analytics/analytics-view.js';
import { ConnectionProvider } from './connection/connection-context.js';
import { DeskView } from './desk/desk-view.js';
import { ExperimentsView } from './experiments/experiments-view.js';
import { LiveFeedView } from './feed/live-feed-view.js';
import { PlaygroundView } from './playground/playground-view.js';
import { RunsView } from './runs/runs-view.js';
import { SettingsView } from './settings/settings-view.js';
import { RouterProvider, useRouter } from './shell/router.js';
import { Sidebar } from './shell/sidebar.js';

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
  return (
    <div className="shell">
      <Sidebar current={view ?? 'agents'} />
      <main className="main" id="main">
        {view === 'playground' ? (
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
          <DeskView />
        ) : (
          <AgentsView />
        )}
      </main>
    </div>
  );
}
