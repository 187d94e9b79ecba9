CREATE TABLE "removed_builtin_cards" (
	"name" text PRIMARY KEY NOT NULL,
	"removed_by" text NOT NULL,
	"removed_at" timestamp with time zone DEFAULT now() NOT NULL
);
