import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../helpers/test-app.js';

const query = '{ modelProvider { name ruleBased defaultModel plannerModel description } }';
type Result = {
  modelProvider: { name: string; ruleBased: boolean; defaultModel: string; plannerModel: string; description: string };
};

describe('Query.modelProvider', () => {
  it('says the offline provider is a rule-based stand-in, not a language model', async () => {
    const t = await createTestApp();
    try {
      const r = await t.gql<Result>(query);
      expect(r.errors).toBeUndefined();
      expect(r.data!.modelProvider).toMatchObject({
        name: 'offline',
        ruleBased: true,
        defaultModel: 'offline-rules',
        plannerModel: 'offline-rules',
      });
      expect(r.data!.modelProvider.description).toMatch(/rule-based stand-in, not a language model/);
    } finally {
      await t.close();
    }
  });

  it('names the configured models of an OpenAI-compatible provider', async () => {
    const t = await createTestApp({
      env: {
        MODEL_PROVIDER: 'openai',
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
        OPENAI_MODEL: 'gpt-test-mini',
        OPENAI_PLANNER_MODEL: 'gpt-test-planner',
      },
    });
    try {
      const r = await t.gql<Result>(query);
      expect(r.data!.modelProvider).toMatchObject({
        name: 'openai',
        ruleBased: false,
        defaultModel: 'gpt-test-mini',
        plannerModel: 'gpt-test-planner',
      });
      expect(r.data!.modelProvider.description).toBe('Language model through the openai provider.');
    } finally {
      await t.close();
    }
  });
});
