-- First-start script of the Compose PostgreSQL. Migrations create the tables
-- and the read-only audit role themselves; this only makes sure the default
-- database exists for tools that connect before the first migration.
SELECT 'database stock_audit exists'
WHERE EXISTS (SELECT 1 FROM pg_database WHERE datname = 'stock_audit');
