// The root account, created on first start from ROOT_USERNAME and
// ROOT_PASSWORD through the same path as any user (a user.created event),
// with a random password when ROOT_PASSWORD is unset.
import { randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '@stock-audit/service-kit';
import { eventIdSource } from '../commands/event-ids.ts';
import { findCommand } from '../commands/registry.ts';
import type { CommandContext } from '../commands/types.ts';
import { createAccount } from '../commands/user-accounts.ts';
import type { StockDeps } from '../deps.ts';
import { findCredentials } from './credentials.ts';

export interface RootAccountOutcome {
  created: boolean;
  userId?: number;
  /** The password that was generated, to be shown once; absent when configured or not created. */
  generatedPassword?: string;
}

/** Creates the root user unless a user of that name exists. Safe to run on every start. */
export async function ensureRootAccount(deps: StockDeps): Promise<RootAccountOutcome> {
  const { config, db } = deps;
  if (await findCredentials(db, { username: config.rootUsername })) return { created: false };

  const generatedPassword = config.rootPassword ? undefined : randomBytes(18).toString('base64url');
  const ctx: CommandContext = {
    deps,
    definition: findCommand('user.create')!,
    actor: null,
    user: null,
    clientIp: null,
    correlationId: randomUUID(),
    eventIds: eventIdSource(null),
    log: deps.log,
  };
  try {
    const appended = await createAccount(ctx, {
      username: config.rootUsername,
      // The email format check wants a dot in the domain, so plain `localhost` fails it.
      email: `${config.rootUsername}@localhost.localdomain`,
      password: config.rootPassword || generatedPassword!,
      role: 'root',
    });

    return { created: true, userId: appended.after.id, generatedPassword };
  } catch (error) {
    // Another instance created it between the check and the insert.
    if (error instanceof AppError && error.code === 'USERNAME_TAKEN') return { created: false };
    throw error;
  }
}
