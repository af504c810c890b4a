// User state, including the registration application of a self-registered
// user, and the decisions of the user and application commands.
import type { Role } from '@stock-audit/service-kit';
import { conflict, forbidden, notFound } from '@stock-audit/service-kit';

/**
 * `pending` and `rejected` users registered themselves and wait for, or were
 * refused, approval; `disabled` users were deleted. Only `active` users log in.
 */
export type UserStatus = 'active' | 'pending' | 'rejected' | 'disabled';

export type ApplicationStatus = 'pending' | 'approved' | 'rejected';

/** The review of a self-registration; absent for users an admin created. */
export interface ApplicationInfo {
  [key: string]: unknown;
  status: ApplicationStatus;
  submitted_at: string;
  decided_at: string | null;
  /** Id of the admin or root user who decided. */
  decided_by: number | null;
}

/**
 * A user as stored in its events' `before` and `after`. It never contains the
 * password or its hash. `credentials_changed_at` records when either changed.
 */
export interface UserState {
  [key: string]: unknown;
  id: number;
  username: string;
  email: string;
  role: Role;
  status: UserStatus;
  credentials_changed_at: string;
  created_at: string;
  updated_at: string;
  application: ApplicationInfo | null;
}

export interface NewUser {
  username: string;
  email: string;
  role: Role;
}

export function createUser(id: number, fields: NewUser, now: string): UserState {
  return {
    id,
    ...fields,
    status: 'active',
    credentials_changed_at: now,
    created_at: now,
    updated_at: now,
    application: null,
  };
}

/** Creates a self-registered user: a pending seller who may log in once an admin approves. */
export function registerUser(id: number, fields: Omit<NewUser, 'role'>, now: string): UserState {
  return {
    ...createUser(id, { ...fields, role: 'seller' }, now),
    status: 'pending',
    application: { status: 'pending', submitted_at: now, decided_at: null, decided_by: null },
  };
}

/** Fields an update may change; `password` only moves `credentials_changed_at`. */
export interface UserChanges {
  username?: string;
  email?: string;
  role?: Role;
  status?: 'active' | 'disabled';
  passwordChanged?: boolean;
}

export function updateUser(current: UserState, changes: UserChanges, now: string): UserState {
  const next: UserState = { ...current, updated_at: now };
  if (changes.username !== undefined) next.username = changes.username;
  if (changes.email !== undefined) next.email = changes.email;
  if (changes.role !== undefined) next.role = changes.role;
  if (changes.passwordChanged) next.credentials_changed_at = now;
  if (changes.status !== undefined && changes.status !== current.status) {
    if (current.status === 'pending' || current.status === 'rejected') {
      throw conflict(
        `User ${current.id} is awaiting a decision on its application; approve or reject it instead`,
        'APPLICATION_UNDECIDED',
      );
    }
    next.status = changes.status;
  }

  return next;
}

export function disableUser(current: UserState, now: string): UserState {
  if (current.status === 'disabled') {
    throw conflict(`User ${current.id} is already disabled`, 'USER_ALREADY_DISABLED');
  }

  return { ...current, status: 'disabled', updated_at: now };
}

export function changePassword(current: UserState, now: string): UserState {
  return { ...current, credentials_changed_at: now, updated_at: now };
}

/** Approves a pending or rejected application; the user becomes active. */
export function approveApplication(current: UserState, deciderId: number, now: string): UserState {
  const application = current.application;
  if (!application) throw noApplication(current.id);
  if (application.status === 'approved') {
    throw conflict(`The application of user ${current.id} is already approved`, 'ALREADY_APPROVED');
  }
  if (current.status === 'disabled') {
    throw conflict(`User ${current.id} is disabled`, 'USER_DISABLED');
  }

  return {
    ...current,
    status: 'active',
    updated_at: now,
    application: { ...application, status: 'approved', decided_at: now, decided_by: deciderId },
  };
}

/** Rejects a pending application; the user stays unable to log in. */
export function rejectApplication(current: UserState, deciderId: number, now: string): UserState {
  const application = current.application;
  if (!application) throw noApplication(current.id);
  if (application.status !== 'pending') {
    throw conflict(
      `The application of user ${current.id} is already ${application.status}`,
      `ALREADY_${application.status.toUpperCase()}`,
    );
  }
  if (current.status === 'disabled') {
    throw conflict(`User ${current.id} is disabled`, 'USER_DISABLED');
  }

  return {
    ...current,
    status: 'rejected',
    updated_at: now,
    application: { ...application, status: 'rejected', decided_at: now, decided_by: deciderId },
  };
}

function noApplication(userId: number) {
  return notFound(
    `User ${userId} has no application because an admin created the account`,
    'APPLICATION_NOT_FOUND',
  );
}

/**
 * Checks that `actorRole` may manage a user of `targetRole`: root manages
 * everyone, admin everyone below root.
 */
export function assertMayManage(actorRole: Role, targetRole: Role, userId: number): void {
  if (actorRole !== 'root' && targetRole === 'root') {
    throw forbidden(`Role ${actorRole} may not manage root user ${userId}`);
  }
}

/** Checks that `actorRole` may give a user `role`: only root grants root. */
export function assertMayGrant(actorRole: Role, role: Role): void {
  if (actorRole !== 'root' && role === 'root') {
    throw forbidden(`Role ${actorRole} may not grant the root role`);
  }
}
