CREATE TABLE "analytics_daily" (
	"bucket" timestamp with time zone NOT NULL,
	"agent" text NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	"planned_runs" integer DEFAULT 0 NOT NULL,
	"tasks" integer DEFAULT 0 NOT NULL,
	"conversations" integer DEFAULT 0 NOT NULL,
	"escalated" integer DEFAULT 0 NOT NULL,
	"handoffs" integer DEFAULT 0 NOT NULL,
	"tool_calls" integer DEFAULT 0 NOT NULL,
	"tool_errors" integer DEFAULT 0 NOT NULL,
	"plans" integer DEFAULT 0 NOT NULL,
	"plan_fallbacks" integer DEFAULT 0 NOT NULL,
	"human_requests" integer DEFAULT 0 NOT NULL,
	"tokens" bigint DEFAULT 0 NOT NULL,
	"latency" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"models" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "analytics_daily_bucket_agent_pk" PRIMARY KEY("bucket","agent")
);
--> statement-breakpoint
CREATE TABLE "analytics_hourly" (
	"bucket" timestamp with time zone NOT NULL,
	"agent" text NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	"planned_runs" integer DEFAULT 0 NOT NULL,
	"tasks" integer DEFAULT 0 NOT NULL,
	"conversations" integer DEFAULT 0 NOT NULL,
	"escalated" integer DEFAULT 0 NOT NULL,
	"handoffs" integer DEFAULT 0 NOT NULL,
	"tool_calls" integer DEFAULT 0 NOT NULL,
	"tool_errors" integer DEFAULT 0 NOT NULL,
	"plans" integer DEFAULT 0 NOT NULL,
	"plan_fallbacks" integer DEFAULT 0 NOT NULL,
	"human_requests" integer DEFAULT 0 NOT NULL,
	"tokens" bigint DEFAULT 0 NOT NULL,
	"latency" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"models" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "analytics_hourly_bucket_agent_pk" PRIMARY KEY("bucket","agent")
);
--> statement-breakpoint
CREATE TABLE "analytics_watermark" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"folded_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workspace_settings" ADD COLUMN "model_prices" jsonb DEFAULT '[]'::jsonb NOT NULL;