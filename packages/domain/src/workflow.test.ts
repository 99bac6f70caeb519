import { describe, expect, it } from 'vitest';
import { availableEvents, decide } from './workflow.js';
import { USER_STATUSES, USER_TRANSITIONS, type UserEvent } from './auth/user-status.js';

const EVENTS: UserEvent[] = ['disable', 'enable'];

describe('account status transitions (every state × event)', () => {
  const expected: Record<string, string | null> = {
    'active/disable': 'disabled',
    'active/enable': null,
    'disabled/disable': null,
    'disabled/enable': 'active',
  };
  for (const state of USER_STATUSES) {
    for (const event of EVENTS) {
      it(`${state} + ${event}`, () => {
        const d = decide(USER_TRANSITIONS, state, event);
        const want = expected[`${state}/${event}`];
        if (want) expect(d).toEqual({ ok: true, from: state, to: want });
        else expect(d).toEqual({ ok: false, reason: 'TRANSITION_NOT_ALLOWED' });
      });
    }
  }

  it('every state is reachable from active', () => {
    const seen = new Set<string>(['active']);
    let grew = true;
    while (grew) {
      grew = false;
      for (const t of USER_TRANSITIONS) {
        if (seen.has(t.from) && !seen.has(t.to)) {
          seen.add(t.to);
          grew = true;
        }
      }
    }
    expect([...seen].sort()).toEqual([...USER_STATUSES].sort());
  });
});

describe('decide with role guards', () => {
  const table = [
    { from: 'a', event: 'go', to: 'b', roles: ['office'] },
    { from: 'b', event: 'back', to: 'a' },
  ] as const;
  it('refuses a role the row does not name', () => {
    expect(decide(table, 'a', 'go', ['unit'])).toEqual({ ok: false, reason: 'ROLE_NOT_ALLOWED' });
    expect(decide(table, 'a', 'go', ['office'])).toEqual({ ok: true, from: 'a', to: 'b' });
  });
  it('lists the events an actor may fire', () => {
    expect(availableEvents(table, 'a', ['unit'])).toEqual([]);
    expect(availableEvents(table, 'a', ['office'])).toEqual(['go']);
    expect(availableEvents(table, 'b')).toEqual(['back']);
  });
});
