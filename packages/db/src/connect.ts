import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

// int8 (bigint) columns come back as strings by default; stream sequences and
// ids stay well below 2^53, so read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Opens a Kysely instance on `databaseUrl` with a pool of at most `max` connections. */
export function createDb<T>(databaseUrl: string, options: { max?: number } = {}): Kysely<T> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 10 });
  // An idle client that loses its connection emits 'error' on the pool; the
  // next query reports the failure, so the pool error itself is not fatal.
  pool.on('error', () => {});

  return new Kysely<T>({ dialect: new PostgresDialect({ pool }) });
}

/** Returns the database name in a postgres:// URL. */
export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

/** Returns `databaseUrl` pointed at another database on the same server. */
export function withDatabase(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;

  return url.toString();
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates the database named in `databaseUrl` when it does not exist, by
 * connecting to the server's `postgres` database. Returns true if created.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (error) {
      // Another process created it between the check and the create.
      if ((error as { code?: string }).code === '42P04') return false;
      throw error;
    }

    return true;
  } finally {
    await client.end();
  }
}

/** Drops the database named in `databaseUrl`, closing other sessions on it first. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
