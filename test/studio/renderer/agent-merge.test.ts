import { describe, expect, it } from 'vitest';
import { emptyDraft, mergeDrafts } from '../../../studio/src/renderer/agents/agent-draft.js';
import { lineDiff } from '../../../studio/src/renderer/lib/line-diff.js';
import { draftOf, removeTask, revisionOf, updateTask } from '../../../studio/src/renderer/lib/plan-draft.js';

describe('edit conflicts: a three-way merge of card drafts', () => {
  const base = { ...emptyDraft, name: 'A', description: 'old', instructions: 'x', skills: ['s1'] };
  it('takes each side’s own changes and reports fields both sides changed differently', () => {
    const mine = { ...base, instructions: 'mine', skills: ['s1', 's2'] };
    const theirs = { ...base, description: 'theirs', instructions: 'their text' };
    const { merged, conflicts } = mergeDrafts(base, mine, theirs);
    expect(merged).toMatchObject({ description: 'theirs', skills: ['s1', 's2'], instructions: 'mine' });
    expect(conflicts).toEqual(['instructions']);
  });
  it('is no conflict when both sides made the same change', () => {
    const same = { ...base, instructions: 'same' };
    expect(mergeDrafts(base, same, same).conflicts).toEqual([]);
  });
});

describe('lineDiff', () => {
  it('keeps common lines and marks removed and added ones', () => {
    expect(lineDiff('a\nb\nc', 'a\nc\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'del', text: 'b' },
      { kind: 'same', text: 'c' },
      { kind: 'ins', text: 'd' },
    ]);
    expect(lineDiff('', 'x')).toEqual([{ kind: 'ins', text: 'x' }]);
  });
});

describe('plan drafts', () => {
  const plan = {
    refuse: false,
    tasks: [
      { id: 't1', agent: 'A', instruction: 'i1', statusMessage: 's1', dependsOn: [] },
      { id: 't2', agent: 'B', instruction: 'i2', statusMessage: 's2', dependsOn: ['t1'] },
      { id: 't3', agent: 'C', instruction: 'i3', statusMessage: 's3', dependsOn: ['t2'] },
    ],
  };
  it('removing a task un-wires its dependants, and the revision lists removals after the re-wiring', () => {
    const draft = removeTask(updateTask(draftOf(plan, ['t2', 't3']), 't3', { statusMessage: 'new' }), 't2');
    expect(draft.tasks.find((t) => t.id === 't3')!.dependsOn).toEqual([]);
    const before = JSON.stringify(draft);
    expect(revisionOf(draft, plan)).toEqual({
      edits: [
        { taskId: 't3', statusMessage: 'new', dependsOn: [] },
        { taskId: 't2', remove: true },
      ],
      add: [],
    });
    expect(JSON.stringify(draft)).toBe(before);
  });
});
