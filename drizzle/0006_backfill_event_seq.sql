-- Events stored before per-conversation positions existed get them in id order (ids were commit-ordered then).
UPDATE "events" SET "seq" = numbered.seq
FROM (SELECT "id", row_number() OVER (PARTITION BY "conversation_id" ORDER BY "id") AS seq FROM "events") AS numbered
WHERE "events"."id" = numbered."id";--> statement-breakpoint
UPDATE "conversations" SET "last_seq" = coalesce((SELECT max("seq") FROM "events" WHERE "events"."conversation_id" = "conversations"."id"), 0);
