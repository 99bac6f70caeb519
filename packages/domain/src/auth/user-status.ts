import type { Transition } from '../workflow.js';

/** Account states. A disabled user cannot log in; their sessions and tokens stop working. */
export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export type UserEvent = 'disable' | 'enable';

export const USER_TRANSITIONS: readonly Transition<UserStatus, UserEvent>[] = [
  { from: 'active', event: 'disable', to: 'disabled' },
  { from: 'disabled', event: 'enable', to: 'active' },
];
