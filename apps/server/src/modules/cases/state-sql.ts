import { sql, type RawBuilder } from 'kysely';
import { CASE_OPEN_STATES, CASE_TIMED_STATES, type CaseState } from '@cc/domain';

/**
 * State lists written into the SQL text as literals, not sent as parameters: the planner matches a
 * partial index's predicate (case_record_open_map_ix, case_record_open_region_ix) only against
 * values it sees when planning. The states are the domain's own identifiers, never user input.
 */
const literals = (states: readonly CaseState[]) => states.map((s) => `'${s}'`).join(', ');

/** `'reported', 'registered', …` — for `state in (…)`. */
export const OPEN_STATES_SQL: RawBuilder<unknown> = sql.raw(literals(CASE_OPEN_STATES));
/** The same list as a text[] (the case map's `states` dictionary; a state's index is its position in it). */
export const OPEN_STATES_ARRAY_SQL: RawBuilder<unknown> = sql.raw(`array[${literals(CASE_OPEN_STATES)}]::text[]`);
/** The states in which the deadline runs. */
export const TIMED_STATES_SQL: RawBuilder<unknown> = sql.raw(literals(CASE_TIMED_STATES));
