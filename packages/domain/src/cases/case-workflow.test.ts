import { describe, expect, it } from 'vitest';
import { availableEvents, decide } from '../workflow.js';
import { CASE_EVENTS, CASE_STATE_CATEGORY, CASE_STATES, CASE_TERMINAL_STATES, CASE_TRANSITIONS, type CaseEvent, type CaseState } from './case-workflow.js';

/**
 * Every (state, event) pair, written out: the expected next state, or '—' where the event is refused.
 * Reading across a row tells what a case in that state can do.
 */
const E = CASE_EVENTS;
const EXPECTED: Record<CaseState, Partial<Record<CaseEvent, CaseState>>> = {
  reported: { register: 'registered', reject: 'rejected', merge: 'merged', cancel: 'cancelled' },
  registered: { assign: 'assigned', merge: 'merged', cancel: 'cancelled' },
  rejected: {},
  assigned: { accept: 'rectifying', submit: 'submitted', request_return: 'return_requested', escalate: 'assigned', merge: 'merged', cancel: 'cancelled' },
  rectifying: { submit: 'submitted', request_return: 'return_requested', request_deferral: 'deferral_requested', escalate: 'rectifying', merge: 'merged', cancel: 'cancelled' },
  submitted: { verify_pass: 'closed', verify_fail: 'returned', merge: 'merged', cancel: 'cancelled' },
  returned: { resume: 'rectifying', submit: 'submitted', escalate: 'returned', merge: 'merged', cancel: 'cancelled' },
  return_requested: { approve_return: 'registered', deny_return: 'rectifying', escalate: 'return_requested', merge: 'merged', cancel: 'cancelled' },
  deferral_requested: { approve_deferral: 'deferred', deny_deferral: 'rectifying', escalate: 'deferral_requested', merge: 'merged', cancel: 'cancelled' },
  deferred: { end_deferral: 'rectifying', merge: 'merged', cancel: 'cancelled' },
  closed: { relapse: 'assigned' },
  merged: {},
  cancelled: {},
};

describe('case transition table: every state × event', () => {
  for (const state of CASE_STATES) {
    for (const event of E) {
      const want = EXPECTED[state][event];
      it(`${state} + ${event} → ${want ?? '—'}`, () => {
        const d = decide(CASE_TRANSITIONS, state, event, ['office', 'unit', 'inspector']);
        if (want) expect(d).toEqual({ ok: true, from: state, to: want });
        else expect(d).toEqual({ ok: false, reason: 'TRANSITION_NOT_ALLOWED' });
      });
    }
  }

  it('has no duplicate (state, event) rows', () => {
    const keys = CASE_TRANSITIONS.map((t) => `${t.from}/${t.event}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('reaches every state from reported', () => {
    const seen = new Set<CaseState>(['reported']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const t of CASE_TRANSITIONS) if (seen.has(t.from) && !seen.has(t.to)) { seen.add(t.to); grew = true; }
    }
    expect([...seen].sort()).toEqual([...CASE_STATES].sort());
  });

  it('leaves terminal states never, and files each under open or closed', () => {
    for (const s of CASE_TERMINAL_STATES) {
      expect(availableEvents(CASE_TRANSITIONS, s, ['office', 'unit', 'inspector'])).toEqual([]);
      expect(CASE_STATE_CATEGORY[s]).toBe('closed');
    }
    expect(CASE_STATE_CATEGORY.closed).toBe('closed');
    expect(CASE_STATE_CATEGORY.deferred).toBe('open');
  });
});

describe('who may fire what', () => {
  it('only the unit submits a rectification, only an inspector or the office verifies', () => {
    expect(decide(CASE_TRANSITIONS, 'rectifying', 'submit', ['inspector']).ok).toBe(false);
    expect(decide(CASE_TRANSITIONS, 'rectifying', 'submit', ['unit']).ok).toBe(true);
    expect(decide(CASE_TRANSITIONS, 'submitted', 'verify_pass', ['unit'])).toEqual({ ok: false, reason: 'ROLE_NOT_ALLOWED' });
    expect(decide(CASE_TRANSITIONS, 'submitted', 'verify_pass', ['inspector']).ok).toBe(true);
  });

  it('lists a unit’s actions on an assigned case', () => {
    expect(availableEvents(CASE_TRANSITIONS, 'assigned', ['unit'])).toEqual(['accept', 'submit', 'request_return']);
  });
});
