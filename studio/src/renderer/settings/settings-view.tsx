import { useQuery } from 'urql';
import { usePermissions } from '../connection/permissions.js';
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

/** `admin`: read and written by admins only (the server refuses even the list to other keys), so not offered. */
const sections = [
  { id: 'workspace', label: 'Workspace', admin: false },
  { id: 'knowledge', label: 'Knowledge base', admin: true },
  { id: 'mcp', label: 'MCP servers', admin: true },
  { id: 'webhooks', label: 'Webhooks', admin: true },
  { id: 'outbox', label: 'Email outbox', admin: true },
  { id: 'connection', label: 'Connection', admin: false },
] as const;
type Section = (typeof sections)[number]['id'];

/**
 * Settings: the workspace context, knowledge articles, MCP servers, webhooks, and which server the studio talks to.
 * Credentials that may not manage the workspace read its settings and pick their connection.
 */
export function SettingsView() {
  const { route, navigate } = useRouter();
  const may = usePermissions();
  const offered = sections.filter((s) => !s.admin || may('manageIntegrations'));
  const section = (offered.find((s) => s.id === route.segments[1])?.id ?? 'workspace') as Section;
  const [{ data, error }] = useQuery({ query: SettingsQuery });
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="subtitle">What every agent knows about the shop, and where the studio connects.</p>
        </div>
      </header>
      <Tabs label="Settings" tabs={offered} selected={section} onSelect={(s) => navigate(`/settings/${s}`)} />
      <div className="page-body scroll">
        {section === 'workspace' &&
          (data ? (
            <WorkspaceSettingsForm
              settings={data.settings}
              agents={data.agents.filter((a) => a.enabled).map((a) => a.name)}
              readOnly={!may('editSettings')}
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
