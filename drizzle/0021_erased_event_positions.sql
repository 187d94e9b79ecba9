CREATE TABLE "erased_events" (
	"id" bigint PRIMARY KEY NOT NULL,
	"tx" "xid8" NOT NULL,
	"erased_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "erased_events_erased_at_idx" ON "erased_events" USING btree ("erased_at");