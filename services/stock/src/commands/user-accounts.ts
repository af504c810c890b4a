// Creates user accounts. The password hash goes into `credentials` and the
// user.created or user.registered event onto the stream, both in one database
// transaction. A failed append therefore leaves no credentials behind, and a
// taken user name or email fails before anything is appended.
import type { Role } from '@stock-audit/service-kit';
import { conflict } from '@stock-audit/service-kit';
import { insertCredentials } from '../auth/credentials.ts';
import { hashSecret } from '../auth/passwords.ts';
import { createUser, registerUser, type UserState } from '../domain/user.ts';
import { appendStateEvent, type AppendedEvent } from './append.ts';
import { nextEntityId } from './ids.ts';
import type { CommandContext } from './types.ts';

export interface NewAccount {
  username: string;
  email: string;
  password: string;
  /** Role of the new user; absent for a self-registration, which always creates a seller. */
  role?: Role;
}

export async function createAccount(
  ctx: CommandContext,
  account: NewAccount,
): Promise<AppendedEvent<UserState>> {
  const { db, options } = ctx.deps;
  const passwordHash = await hashSecret(account.password, options.passwordHashCost);
  const id = await nextEntityId(db, 'user');
  const fields = { username: account.username, email: account.email };

  return db.transaction().execute(async (trx) => {
    await insertCredentials(trx, { userId: id, ...fields, passwordHash });

    return appendStateEvent<UserState>(ctx, {
      entityType: 'user',
      entityId: id,
      eventId: ctx.eventIds.next('main'),
      decide: (current) => {
        if (current) throw conflict(`User ${id} already exists`, 'USER_EXISTS');
        const now = new Date().toISOString();

        return account.role
          ? { type: 'user.created', after: createUser(id, { ...fields, role: account.role }, now) }
          : { type: 'user.registered', after: registerUser(id, fields, now) };
      },
    });
  });
}
