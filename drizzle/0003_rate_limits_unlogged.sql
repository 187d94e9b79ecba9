-- Rate-limit counters need no crash safety: an unlogged table writes no WAL, so a counting upsert
-- commits without waiting for a WAL flush. After a database crash the counters start again from zero.
ALTER TABLE "rate_limits" SET UNLOGGED;
