import type { ImportKind } from '@cc/domain';
import type { ImportKindSpec } from '../kind.js';
import { assignmentsKind } from './assignments.js';
import { peopleKind } from './people.js';
import { regionsKind } from './regions.js';
import { segmentsKind } from './segments.js';
import { shopsKind } from './shops.js';
import { unitsKind } from './units.js';

/** Every kind of list, in the order the import page offers them (each refers only to kinds above it). */
export const IMPORT_KIND_SPECS: Record<ImportKind, ImportKindSpec> = {
  regions: regionsKind,
  units: unitsKind,
  people: peopleKind,
  segments: segmentsKind,
  shops: shopsKind,
  assignments: assignmentsKind,
};
