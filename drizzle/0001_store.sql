CREATE TABLE "store_product_associations" (
	"antecedent_id" text NOT NULL,
	"consequent_id" text NOT NULL,
	"pair_count" integer NOT NULL,
	"antecedent_count" integer NOT NULL,
	"consequent_count" integer NOT NULL,
	"order_count" integer NOT NULL,
	"support" double precision NOT NULL,
	"confidence" double precision NOT NULL,
	"lift" double precision NOT NULL,
	CONSTRAINT "store_product_associations_antecedent_id_consequent_id_pk" PRIMARY KEY("antecedent_id","consequent_id")
);
--> statement-breakpoint
CREATE TABLE "store_back_in_stock" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"item_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_back_in_stock_email_item" UNIQUE("email","item_id")
);
--> statement-breakpoint
CREATE TABLE "store_leads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"interest" text NOT NULL,
	"product_id" text,
	"customer_id" text,
	"conversation_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "store_idempotency" (
	"key" text PRIMARY KEY NOT NULL,
	"tool" text NOT NULL,
	"customer_id" text,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_articles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"tag_text" text DEFAULT '' NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, "title"), 'A') || setweight(to_tsvector('english'::regconfig, "tag_text"), 'B') || setweight(to_tsvector('english'::regconfig, "body"), 'C')) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_articles_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "store_order_items" (
	"order_id" text NOT NULL,
	"position" integer NOT NULL,
	"item_id" text NOT NULL,
	"product_id" text NOT NULL,
	"name" text NOT NULL,
	"price_cents" integer NOT NULL,
	"options" jsonb NOT NULL,
	CONSTRAINT "store_order_items_order_id_position_pk" PRIMARY KEY("order_id","position")
);
--> statement-breakpoint
CREATE TABLE "store_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" integer NOT NULL,
	"user_id" text NOT NULL,
	"address" jsonb NOT NULL,
	"status" text NOT NULL,
	"fulfillments" jsonb NOT NULL,
	"cancel_reason" text,
	"return_items" jsonb,
	"return_payment_method_id" text,
	"exchange_items" jsonb,
	"exchange_new_items" jsonb,
	"exchange_payment_method_id" text,
	"exchange_price_difference_cents" integer
);
--> statement-breakpoint
CREATE TABLE "store_payments" (
	"order_id" text NOT NULL,
	"position" integer NOT NULL,
	"transaction_type" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"payment_method_id" text NOT NULL,
	CONSTRAINT "store_payments_order_id_position_pk" PRIMARY KEY("order_id","position")
);
--> statement-breakpoint
CREATE TABLE "store_products" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" integer NOT NULL,
	"name" text NOT NULL,
	"document" text NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english'::regconfig, "name")) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "store_variants" (
	"item_id" text PRIMARY KEY NOT NULL,
	"product_id" text NOT NULL,
	"seq" integer NOT NULL,
	"product_name" text NOT NULL,
	"options" jsonb NOT NULL,
	"options_norm" jsonb NOT NULL,
	"option_text" text NOT NULL,
	"available" boolean NOT NULL,
	"price_cents" integer NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, "product_name"), 'A') || setweight(to_tsvector('english'::regconfig, "option_text"), 'B')) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"summary" text NOT NULL,
	"priority" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"customer_id" text,
	"customer_name" text,
	"customer_email" text,
	"customer_phone" text,
	"conversation_id" text,
	"agent_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "store_payment_methods" (
	"user_id" text NOT NULL,
	"id" text NOT NULL,
	"seq" integer NOT NULL,
	"source" text NOT NULL,
	"brand" text,
	"last_four" text,
	"balance_cents" integer,
	CONSTRAINT "store_payment_methods_user_id_id_pk" PRIMARY KEY("user_id","id")
);
--> statement-breakpoint
CREATE TABLE "store_users" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" integer NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"email" text NOT NULL,
	"address" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "store_order_items" ADD CONSTRAINT "store_order_items_order_id_store_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."store_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_orders" ADD CONSTRAINT "store_orders_user_id_store_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."store_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_payments" ADD CONSTRAINT "store_payments_order_id_store_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."store_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_variants" ADD CONSTRAINT "store_variants_product_id_store_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."store_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_payment_methods" ADD CONSTRAINT "store_payment_methods_user_id_store_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."store_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "store_leads_email_idx" ON "store_leads" USING btree ("email");--> statement-breakpoint
CREATE INDEX "knowledge_articles_search_idx" ON "knowledge_articles" USING gin ("search");--> statement-breakpoint
CREATE INDEX "store_orders_user_idx" ON "store_orders" USING btree ("user_id","seq");--> statement-breakpoint
CREATE INDEX "store_products_search_idx" ON "store_products" USING gin ("search");--> statement-breakpoint
CREATE INDEX "store_variants_search_idx" ON "store_variants" USING gin ("search");--> statement-breakpoint
CREATE INDEX "store_variants_options_idx" ON "store_variants" USING gin ("options_norm" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "store_variants_product_idx" ON "store_variants" USING btree ("product_id","seq");--> statement-breakpoint
CREATE INDEX "tickets_status_created_idx" ON "tickets" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "store_users_email_idx" ON "store_users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "store_users_zip_idx" ON "store_users" USING btree (("address"->>'zip'));