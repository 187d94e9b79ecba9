import { useQuery } from 'urql';
import { useRouter } from '../shell/router.js';
import { EmptyState } from '../ui/empty-state.js';
import { Tabs } from '../ui/tabs.js';
import { ConnectionSettings } from './connection-settings.js';
import { EmailOutbox } from './email-outbox.js';
import { KnowledgeSettings } from './knowledge-settings.js';
import { McpServerSettings } from './mcp-server-settings.js';
import { SettingsQuery } from './settings-documents.js';
import { WebhookSettings } from './webhook-settings.js';
import { WorkspaceSettingsForm } from './workspace-settings-form.js';

const sections = [
  { id: 'workspace', label: 'Workspace' },
  { id: 'knowledge', label: 'Knowledge base' },
  { id: 'mcp', label: 'MCP servers' },
  { id: 'webhooks', label: 'Webhooks' },
  { id: 'outbox', label: 'Email outbox' },
  { id: 'connection', label: 'Connection' },
] as const;
type Section = (typeof sections)[number]['id'];

/** Settings: the workspace context, knowledge articles, MCP servers, webhooks, and which server the studio talks to. */
export function SettingsView() {
  const { route, navigate } = useRouter();
  const section = (sections.find((s) => s.id === route.segments[1])?.id ?? 'workspace') as Section;
  const [{ data, error }] = useQuery({ query: SettingsQuery });
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="subtitle">What every agent knows about the shop, and where the studio connects.</p>
        </div>
      </header>
      <Tabs label="Settings" tabs={sections} selected={section} onSelect={(s) => navigate(`/settings/${s}`)} />
      <div className="page-body scroll">
        {section === 'workspace' &&
          (data ? (
            <WorkspaceSettingsForm
              settings={data.settings}
              agents={data.agents.filter((a) => a.enabled).map((a) => a.name)}
            />
          ) : (
            <EmptyState title={error ? 'Cannot load settings' : 'Loading…'}>{error?.message}</EmptyState>
          ))}
        {section === 'knowledge' && <KnowledgeSettings />}
        {section === 'mcp' && <McpServerSettings />}
        {section === 'webhooks' && <WebhookSettings />}
        {section === 'outbox' && <EmailOutbox />}
        {section === 'connection' && <ConnectionSettings />}
      </div>
    </div>
  );
}
