CREATE TABLE "agent_card_drafts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"agent_id" uuid,
	"card" jsonb NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"base_version" integer,
	"author" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_card_drafts_name_unique" UNIQUE("name"),
	CONSTRAINT "agent_card_drafts_agent_id_unique" UNIQUE("agent_id")
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "drafts" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "drafts" jsonb;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "drafts" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_card_drafts" ADD CONSTRAINT "agent_card_drafts_agent_id_agent_cards_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agent_cards"("id") ON DELETE cascade ON UPDATE no action;