-- First-start script of the Compose PostgreSQL. Migrations create the tables
-- and the read-only audit role themselves. This script only reports whether
-- the default database, which Compose creates, exists.
SELECT 'database stock_audit exists'
WHERE EXISTS (SELECT 1 FROM pg_database WHERE datname = 'stock_audit');
