import type { AgentData, CardDraftData } from './agent-documents.js';

/** The editor's form state: numbers stay text while typed, empty means "server default". */
export interface AgentDraft {
  name: string;
  description: string;
  skills: string[];
  instructions: string;
  tools: string[];
  handoffs: string[];
  enabled: boolean;
  maxSteps: string;
  provider: string;
  model: string;
  temperature: string;
  timeoutMs: string;
}

export const emptyDraft: AgentDraft = {
  name: '',
  description: '',
  skills: [],
  instructions: '',
  tools: [],
  handoffs: [],
  enabled: true,
  maxSteps: '6',
  provider: '',
  model: '',
  temperature: '',
  timeoutMs: '',
};

export function draftFromAgent(a: Omit<AgentData, 'draft' | 'id' | 'builtin' | 'version'> | CardDraftData): AgentDraft {
  return {
    name: a.name,
    description: a.description,
    skills: [...a.skills],
    instructions: a.instructions,
    tools: [...a.tools],
    handoffs: [...a.handoffs],
    enabled: a.enabled,
    maxSteps: String(a.maxSteps),
    provider: a.model.provider ?? '',
    model: a.model.model ?? '',
    temperature: a.model.temperature === null ? '' : String(a.model.temperature),
    timeoutMs: a.model.timeoutMs === null ? '' : String(a.model.timeoutMs),
  };
}

/** A copy under a free name: "ReturnsAgent" → "ReturnsAgentCopy", "ReturnsAgentCopy2", … */
export function duplicateDraft(a: AgentData, taken: ReadonlySet<string>): AgentDraft {
  let name = `${a.name}Copy`;
  for (let i = 2; taken.has(name); i++) name = `${a.name}Copy${i}`;
  return { ...draftFromAgent(a), name, enabled: false };
}

const num = (s: string) => (s.trim() === '' ? undefined : Number(s));

/** The GraphQL input. The server validates everything; its errors come back per field. */
export function draftToInput(d: AgentDraft) {
  const model = {
    provider: d.provider || undefined,
    model: d.model.trim() || undefined,
    temperature: num(d.temperature),
    timeoutMs: num(d.timeoutMs),
  };
  return {
    name: d.name.trim(),
    description: d.description,
    skills: d.skills.map((s) => s.trim()).filter(Boolean),
    instructions: d.instructions,
    tools: d.tools,
    handoffs: d.handoffs,
    enabled: d.enabled,
    maxSteps: num(d.maxSteps),
    model,
  };
}

export const sameDraft = (a: AgentDraft, b: AgentDraft) => JSON.stringify(a) === JSON.stringify(b);

export type DraftField = keyof AgentDraft;

/**
 * A three-way merge of the editor's changes with a card someone else saved meanwhile: fields only one
 * side changed take that side; fields both changed differently are conflicts, left at "mine" until chosen.
 */
export function mergeDrafts(base: AgentDraft, mine: AgentDraft, theirs: AgentDraft) {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const merged = { ...theirs } as Record<DraftField, unknown>;
  const conflicts: DraftField[] = [];
  for (const key of Object.keys(base) as DraftField[]) {
    const minesChanged = !same(mine[key], base[key]);
    const theirsChanged = !same(theirs[key], base[key]);
    if (minesChanged) merged[key] = mine[key];
    if (minesChanged && theirsChanged && !same(mine[key], theirs[key])) conflicts.push(key);
  }
  return { merged: merged as unknown as AgentDraft, conflicts };
}

/** A draft field as text, for showing both sides of a conflict. */
export function draftFieldText(d: AgentDraft, key: DraftField): string {
  const v = d[key];
  return Array.isArray(v) ? v.join('\n') : String(v);
}
