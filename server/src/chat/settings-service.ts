import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { workspaceSettings } from '../db/schema/settings.js';
import { defaultSettings, type WorkspaceSettings, workspaceSettingsSchema } from '../domain/workspace-settings.js';
import { issuesFromStandard, ValidationError } from '../errors.js';

/** The workspace settings row: validated updates and a cached read for every turn. */
export class SettingsService {
  private cache?: Promise<WorkspaceSettings>;

  constructor(
    private readonly db: Db,
    private readonly agentExists: (name: string) => Promise<boolean>,
    private readonly onChange?: () => void,
  ) {}

  get(): Promise<WorkspaceSettings> {
    this.cache ??= this.load().catch((err) => {
      this.cache = undefined;
      throw err;
    });
    return this.cache;
  }

  invalidate(): void {
    this.cache = undefined;
  }

  async ensureDefaults(): Promise<void> {
    await this.db
      .insert(workspaceSettings)
      .values({ id: 1, ...defaultSettings })
      .onConflictDoNothing();
  }

  async update(patch: Record<string, unknown>): Promise<WorkspaceSettings> {
    const current = await this.get();
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== null));
    const parsed = workspaceSettingsSchema.safeParse({ ...current, ...defined });
    if (!parsed.success) throw new ValidationError(issuesFromStandard(parsed.error.issues, 'input'));
    if (!(await this.agentExists(parsed.data.defaultAgent)))
      throw ValidationError.single('input.defaultAgent', `unknown agent "${parsed.data.defaultAgent}"`);
    await this.db
      .update(workspaceSettings)
      .set({ ...parsed.data, updatedAt: new Date() })
      .where(eq(workspaceSettings.id, 1));
    this.invalidate();
    this.onChange?.();
    return parsed.data;
  }

  private async load(): Promise<WorkspaceSettings> {
    const [row] = await this.db.select().from(workspaceSettings).where(eq(workspaceSettings.id, 1));
    if (!row) return defaultSettings;
    const { id: _id, updatedAt: _u, ...settings } = row;
    return settings;
  }
}
