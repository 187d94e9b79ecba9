import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { loadConfig } from '../../../server/src/config.js';
import { createModelProvider } from '../../../server/src/models/create-model-provider.js';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';

const serverSrc = new URL('../../../server/src/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the offline stand-in stays outside the core', () => {
  it('is imported by no server file but the provider factory and the thread it runs on', () => {
    const importers = sourceFiles(serverSrc)
      .filter((f) => /from ['"](@baton\/offline-model|[./]*offline-model\/)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(serverSrc, f));
    expect(importers.sort()).toEqual([
      'models/create-model-provider.ts',
      'models/offline-thread.ts',
      'models/offline-worker.ts',
    ]);
  });

  it('gets a ModelRequest with only the fields every model gets', () => {
    expectTypeOf<keyof ModelRequest>().toEqualTypeOf<
      | 'agentName'
      | 'model'
      | 'temperature'
      | 'timeoutMs'
      | 'messages'
      | 'tools'
      | 'responseFormat'
      | 'onDelta'
      | 'onToolCall'
      | 'signal'
      | 'retryBudget'
      | 'givesWay'
    >();
  });

  it('is the provider when no key is set, and says it is a rule-based stand-in', () => {
    const models = createModelProvider(loadConfig({}));
    expect(models.name).toBe('offline');
    expect(models.ruleBased).toBe(true);
  });
});
