import type { ToolCallContext, ToolDefinition, ToolRegistry, ToolResult } from './tool-registry.js';

/**
 * A tool defined in code. Its author states what it needs of the shopper's identity; a tool that
 * states nothing runs at any level (code tools are the embedder's own, unlike external MCP servers).
 */
export interface StaticTool extends Omit<ToolDefinition, 'server' | 'tool' | 'identity'> {
  identity?: ToolDefinition['identity'];
  handler: (args: unknown, context: ToolCallContext) => Promise<ToolResult> | ToolResult;
}

/** Tools defined in code behind the ToolRegistry interface: for tests, benchmarks and embedding. */
export class StaticToolRegistry implements ToolRegistry {
  private readonly tools = new Map<string, StaticTool>();
  /** The definitions `list()` returns, built once per change: every run asks for them. */
  private definitions: ToolDefinition[] | undefined;

  constructor(tools: StaticTool[] = []) {
    for (const t of tools) this.tools.set(t.name, t);
  }

  add(tool: StaticTool): this {
    this.tools.set(tool.name, tool);
    this.definitions = undefined;
    return this;
  }

  async list(): Promise<ToolDefinition[]> {
    this.definitions ??= this.define();
    return this.definitions;
  }

  private define(): ToolDefinition[] {
    return [...this.tools.values()].map(({ handler: _h, ...def }) => {
      const dot = def.name.indexOf('.');
      return {
        ...def,
        identity: def.identity ?? { minimumLevel: 'anonymous', readsPersonalData: false, writes: !def.readOnly },
        server: def.name.slice(0, dot),
        tool: def.name.slice(dot + 1),
      };
    });
  }

  async call(name: string, args: unknown, context: ToolCallContext): Promise<ToolResult> {
    const tool = this.tools.get(name);
    if (!tool) return { ok: false, error: `Unknown tool ${name}`, errorCode: 'NOT_FOUND' };
    try {
      return await tool.handler(args, context);
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err), errorCode: 'TOOL_ERROR' };
    }
  }
}

/** A StaticToolRegistry the app can own. */
export class ManagedStaticToolRegistry extends StaticToolRegistry {
  async close(): Promise<void> {}
}
