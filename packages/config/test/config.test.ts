import t from 'tap';
import { ConfigError, loadConfig } from '@stock-audit/config';

t.test('defaults apply when nothing is set', async (t) => {
  const config = loadConfig({});

  t.equal(config.databaseUrl, 'postgres://postgres@127.0.0.1:5432/stock_audit');
  t.equal(config.natsUrl, 'nats://127.0.0.1:4222');
  t.equal(config.stockPort, 3000);
  t.equal(config.auditPort, 3001);
  t.equal(config.host, '127.0.0.1');
  t.equal(config.rootUsername, 'root');
  t.equal(config.rootPassword, '');
  t.equal(config.trustProxy, false);
  t.equal(config.logLevel, 'info');
  t.equal(config.streamName, 'STOCK_EVENTS');
  t.equal(config.subjectPrefix, 'stock');
  t.match(config.jwtPrivateKeyFile, /\.data\/jwt\/private\.pem$/);
  t.match(config.jwtPublicKeyFile, /\.data\/jwt\/public\.pem$/);
  t.equal(config.auditDatabaseUrl, 'postgres://audit_reader@127.0.0.1:5432/stock_audit');
  t.ok(Object.isFrozen(config), 'configuration is frozen');
});

t.test('valid values are parsed', async (t) => {
  const config = loadConfig({
    STOCK_PORT: '8080',
    TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
    LOG_LEVEL: 'debug',
    ROOT_PASSWORD: 'long-enough',
    NATS_URL: 'nats://a:4222,nats://b:4222',
  });

  t.equal(config.stockPort, 8080);
  t.same(config.trustProxy, ['10.0.0.0/8', '127.0.0.1']);
  t.equal(config.logLevel, 'debug');
  t.equal(config.rootPassword, 'long-enough');
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
  t.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
});

const badValues: [string, string][] = [
  ['DATABASE_URL', 'mysql://localhost/db'],
  ['AUDIT_DATABASE_URL', 'not a url'],
  ['AUDIT_DB_ROLE', 'Bad Role'],
  ['NATS_URL', 'http://127.0.0.1:4222'],
  ['STREAM_NAME', 'has space'],
  ['SUBJECT_PREFIX', 'a.b'],
  ['STREAM_REPLICAS', '9'],
  ['STOCK_PORT', 'abc'],
  ['STOCK_PORT', '70000'],
  ['AUDIT_PORT', '0'],
  ['ROOT_USERNAME', 'x'],
  ['ROOT_PASSWORD', 'short'],
  ['JWT_EXPIRES_IN', 'forever'],
  ['TRUST_PROXY', 'somewhere'],
  ['TRUST_PROXY', '10.0.0.0/99'],
  ['LOG_LEVEL', 'loud'],
];

for (const [name, value] of badValues) {
  t.test(`${name}=${value} is rejected`, async (t) => {
    const error = t.throws(() => loadConfig({ [name]: value })) as unknown;

    t.type(error, ConfigError);
    t.equal((error as ConfigError).problems.length, 1, 'one problem reported');
    t.match((error as ConfigError).problems[0], new RegExp(`^${name} must be`));
  });
}

t.test('every malformed variable is named at once', async (t) => {
  const error = t.throws(() => loadConfig({ STOCK_PORT: 'x', LOG_LEVEL: 'y' })) as ConfigError;

  t.equal(error.problems.length, 2);
  t.match(error.message, /STOCK_PORT/);
  t.match(error.message, /LOG_LEVEL/);
});
