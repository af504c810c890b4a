// Every command and query of the service, in the order the HTTP routes are
// registered. NATS subjects are `cmd.<prefix>.<name>`.
import { applicationCommands } from './applications.ts';
import { passwordResetCommands } from './password-reset.ts';
import { productCommands } from './products.ts';
import { saleCommands } from './sales.ts';
import { sessionCommands } from './sessions.ts';
import type { CommandDefinition } from './types.ts';
import { userCommands } from './users.ts';

export const commandDefinitions: readonly CommandDefinition[] = [
  ...productCommands,
  ...saleCommands,
  ...sessionCommands,
  ...applicationCommands,
  ...passwordResetCommands,
  ...userCommands,
];

export function findCommand(name: string): CommandDefinition | undefined {
  return commandDefinitions.find((definition) => definition.name === name);
}
