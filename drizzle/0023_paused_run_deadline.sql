ALTER TABLE "runs" ADD COLUMN "paused_at" timestamp with time zone;--> statement-breakpoint
-- Runs paused before the column existed: their last change is the closest to when they paused.
UPDATE "runs" SET "paused_at" = "updated_at" WHERE "status" = 'PAUSED';--> statement-breakpoint
CREATE INDEX "runs_paused_idx" ON "runs" USING btree ("paused_at") WHERE status = 'PAUSED';
