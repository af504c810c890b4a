import t from 'tap';
import { findSecrets } from '@stock-audit/events';
import { commandSubject } from '@stock-audit/jetstream';
import { ROOT_PASSWORD, createProduct, createUser, startStock } from './helpers.ts';

t.test('no event of a full run holds a secret', async (t) => {
  const harness = await startStock(t);
  const { call, rootToken } = harness;
  const secrets = new Set<string>([ROOT_PASSWORD, rootToken]);

  // Every action, with successes and failures.
  const admin = await createUser(harness, 'admin', 'olivia');
  const seller = await createUser(harness, 'seller', 'peter');
  secrets.add(admin.password).add(admin.token).add(seller.password).add(seller.token);
  const product = await createProduct(harness);
  await call('PUT', `/api/products/${product.id}`, { token: admin.token, body: { price: 3 } });
  await call('DELETE', `/api/products/${product.id}`, { token: admin.token });
  await call('POST', `/api/products/${product.id}/activate`, { token: admin.token });
  await call('DELETE', `/api/products/${product.id}`, { token: seller.token });
  const sale = await call('POST', '/api/sales', {
    token: seller.token,
    body: { items: [{ product_id: product.id, quantity: 1 }], payment_method: 'cash' },
  });
  await call('PUT', `/api/sales/${sale.body.id}`, {
    token: admin.token,
    body: { status: 'cancelled' },
  });
  await call('PUT', `/api/users/${seller.id}`, {
    token: admin.token,
    body: { password: 'peter-second-password' },
  });
  secrets.add('peter-second-password');
  await call('POST', '/api/login', { body: { username: 'peter', password: 'wrong-password-x' } });
  secrets.add('wrong-password-x');
  await call('POST', '/api/register', {
    body: { username: 'quinn', email: 'quinn@example.com', password: 'quinn-password' },
  });
  await call('POST', '/api/register', {
    body: { username: 'rose', email: 'rose@example.com', password: 'rose-password' },
  });
  secrets.add('quinn-password').add('rose-password');
  const applications = await call('GET', '/api/applications', { token: admin.token });
  const [quinn, rose] = applications.body.records;
  await call('POST', `/api/applications/${quinn.user_id}/approve`, { token: admin.token });
  await call('POST', `/api/applications/${rose.user_id}/reject`, { token: admin.token });
  await call('POST', '/api/users/reset-password', { body: { username: 'quinn' } });
  const code = harness.notices.at(-1)!.code;
  secrets.add(code);
  await call('POST', '/api/users/reset-password/change-password', {
    body: { username: 'quinn', code: '99999999', new_password: 'quinn-new-password' },
  });
  await call('POST', '/api/users/reset-password/change-password', {
    body: { username: 'quinn', code, new_password: 'quinn-new-password' },
  });
  secrets.add('quinn-new-password');
  await call('DELETE', `/api/users/${seller.id}`, { token: admin.token });
  await harness.ctx.nc.request(
    commandSubject(harness.ctx.subjectPrefix, 'user.login'),
    JSON.stringify({ body: { username: 'quinn', password: 'quinn-new-password' } }),
    { timeout: 5000 },
  );
  const hashes = await harness.ctx.db.selectFrom('credentials').select('password_hash').execute();
  for (const row of hashes) secrets.add(row.password_hash);

  const events = await harness.events();
  const actions = new Set(
    events.map((stored) => `${stored.event.entity_type}.${stored.event.action}`),
  );
  for (const action of [
    'product.create',
    'product.update',
    'product.delete',
    'product.activate',
    'sale.create',
    'sale.update',
    'user.create',
    'user.update',
    'user.delete',
    'user.login',
    'user.register',
    'user.reset_password',
    'user.change_password',
    'application.approve',
    'application.reject',
  ]) {
    t.ok(actions.has(action), `run covers ${action}`);
  }
  for (const stored of events) {
    const text = JSON.stringify(stored.event);
    t.same(findSecrets(stored.event), [], `event ${stored.sequence} passes the guard`);
    for (const secret of secrets) {
      if (text.includes(secret)) t.fail(`event ${stored.sequence} contains a secret`);
    }
  }
  for (const table of ['products', 'sales', 'users', 'applications'] as const) {
    const rows = await harness.ctx.db.selectFrom(table).selectAll().execute();
    const text = JSON.stringify(rows);
    for (const secret of secrets) {
      if (text.includes(secret)) t.fail(`read model table ${table} contains a secret`);
    }
  }
});
