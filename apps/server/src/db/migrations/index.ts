import type { Migration } from 'kysely';
import * as foundation from './20261122T0001_foundation.js';
import * as auditNoTruncate from './20261122T0002_audit_no_truncate.js';
import * as responsibilityMap from './20261122T0003_responsibility_map.js';
import * as importJobs from './20261122T0004_import_jobs.js';
import * as cases from './20261122T0005_cases.js';
import * as caseExports from './20261122T0006_case_exports.js';
import * as inspections from './20261122T0007_inspections.js';
import * as recheckPlans from './20261123T0008_recheck_plans.js';
import * as caseLedgerIndexes from './20261123T0010_case_ledger_indexes.js';
import * as caseMap from './20261123T0009_case_map.js';
import * as caseSearch from './20261123T0011_case_search.js';
import * as documentNumbering from './20261123T0012_document_numbering.js';
import * as caseLedgerPartialIndexes from './20261123T0013_case_ledger_partial_indexes.js';
import * as documentNumberingList from './20261123T0014_document_numbering_list.js';
import * as caseChildrenTenantFk from './20261123T0015_case_children_tenant_fk.js';
import * as routingLookupIndex from './20261123T0016_routing_lookup_index.js';
import * as documentNumberingPlan from './20261123T0017_document_numbering_plan.js';
import * as sharedRateLimits from './20261123T0018_shared_rate_limits.js';
import * as inspectionTargetGroups from './20261124T0019_inspection_target_groups.js';
import * as regionPopulation from './20261124T0020_region_population.js';

/**
 * Every migration, in order. Names are timestamps; migrations are forward-only and run the same
 * on the embedded engine (PostgreSQL 18) and on a server (15 and later).
 */
export const migrations: Record<string, Migration> = {
  '20261122T0001_foundation': foundation,
  '20261122T0002_audit_no_truncate': auditNoTruncate,
  '20261122T0003_responsibility_map': responsibilityMap,
  '20261122T0004_import_jobs': importJobs,
  '20261122T0005_cases': cases,
  '20261122T0006_case_exports': caseExports,
  '20261122T0007_inspections': inspections,
  '20261123T0008_recheck_plans': recheckPlans,
  '20261123T0009_case_map': caseMap,
  '20261123T0010_case_ledger_indexes': caseLedgerIndexes,
  '20261123T0011_case_search': caseSearch,
  '20261123T0012_document_numbering': documentNumbering,
  '20261123T0013_case_ledger_partial_indexes': caseLedgerPartialIndexes,
  '20261123T0014_document_numbering_list': documentNumberingList,
  '20261123T0015_case_children_tenant_fk': caseChildrenTenantFk,
  '20261123T0016_routing_lookup_index': routingLookupIndex,
  '20261123T0017_document_numbering_plan': documentNumberingPlan,
  '20261123T0018_shared_rate_limits': sharedRateLimits,
  '20261124T0019_inspection_target_groups': inspectionTargetGroups,
  '20261124T0020_region_population': regionPopulation,
};
