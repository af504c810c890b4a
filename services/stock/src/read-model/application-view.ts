// The application view that the applications endpoints return: a
// self-registered user's identity and the state of its review.
import type { ApplicationInfo, UserState } from '../domain/user.ts';

export interface ApplicationView extends ApplicationInfo {
  user_id: number;
  username: string;
  email: string;
  role: string;
}

/** Returns the application of `user`, or null for a user an admin created. */
export function applicationOf(user: UserState): ApplicationView | null {
  if (!user.application) return null;

  return {
    user_id: user.id,
    username: user.username,
    email: user.email,
    role: user.role,
    ...user.application,
  };
}
