import { eq } from 'drizzle-orm';
import { events } from '../../db/schema/events.js';
import { builder } from '../builder.js';
import { textFor } from '../redacted.js';
import { RunRef } from './runs.js';

builder.objectField(RunRef, 'question', (t) =>
  t.string({
    nullable: true,
    description: 'What the shopper asked: the text of the message that started this run.',
    resolve: async (run, _args, ctx) => {
      if (run.messageEventId === null) return null;
      // By primary key: the run names its message event.
      const [row] = await ctx.services.db
        .select({ data: events.data })
        .from(events)
        .where(eq(events.id, run.messageEventId));
      const data = row?.data as { text?: unknown } | undefined;
      return typeof data?.text === 'string' ? textFor(ctx, data.text) : null;
    },
  }),
);
