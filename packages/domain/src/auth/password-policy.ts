/** Password policy of the foundation issue: ≥ 8 characters with at least three of four classes. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem = 'TOO_SHORT' | 'TOO_LONG' | 'TOO_FEW_CLASSES';

export function passwordClasses(password: string): number {
  let n = 0;
  if (/[a-z]/.test(password)) n++;
  if (/[A-Z]/.test(password)) n++;
  if (/[0-9]/.test(password)) n++;
  if (/[^A-Za-z0-9]/.test(password)) n++;
  return n;
}

export function checkPassword(password: string): PasswordProblem | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return 'TOO_SHORT';
  if ([...password].length > PASSWORD_MAX_LENGTH) return 'TOO_LONG';
  if (passwordClasses(password) < 3) return 'TOO_FEW_CLASSES';
  return null;
}

/** Lockout rule: 5 failed attempts lock the account for 15 minutes. */
export const LOCKOUT_MAX_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;
/** Sessions expire after 30 minutes without a request. */
export const SESSION_IDLE_MINUTES = 30;
