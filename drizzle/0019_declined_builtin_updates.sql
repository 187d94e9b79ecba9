CREATE TABLE "declined_builtin_updates" (
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"content_hash" text NOT NULL,
	"declined_by" text NOT NULL,
	"declined_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "declined_builtin_updates_kind_name_pk" PRIMARY KEY("kind","name")
);
