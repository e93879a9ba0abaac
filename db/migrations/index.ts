import type { Knex } from 'knex';
import * as referenceData from './001_reference_data';
import * as cases from './002_cases';
import * as callbackBasis from './003_callback_basis';
import * as audit from './004_audit';
import * as kpiFacts from './005_kpi_facts';
import * as maxPause from './006_max_pause';
import * as requestIdempotency from './007_request_idempotency';
import * as consoleReads from './008_console_reads';
import * as alertAcks from './009_alert_acks';
import * as caseLists from './010_case_lists';
import * as triage from './011_triage';
import * as open311 from './012_open311';
import * as awaitingApproval from './013_awaiting_approval';
import * as kpiRollup from './014_kpi_rollup';
import * as webhooks from './015_webhooks';
import * as instanceIdentity from './016_instance_identity';
import * as searchFilterTerms from './017_search_filter_terms';

/** Every migration, in order. A new migration is a new file added at the end of this list. */
export const migrations: { name: string; module: Knex.Migration }[] = [
  { name: '001_reference_data', module: referenceData },
  { name: '002_cases', module: cases },
  { name: '003_callback_basis', module: callbackBasis },
  { name: '004_audit', module: audit },
  { name: '005_kpi_facts', module: kpiFacts },
  { name: '006_max_pause', module: maxPause },
  { name: '007_request_idempotency', module: requestIdempotency },
  { name: '008_console_reads', module: consoleReads },
  { name: '009_alert_acks', module: alertAcks },
  { name: '010_case_lists', module: caseLists },
  { name: '011_triage', module: triage },
  { name: '012_open311', module: open311 },
  { name: '013_awaiting_approval', module: awaitingApproval },
  { name: '014_kpi_rollup', module: kpiRollup },
  { name: '015_webhooks', module: webhooks },
  { name: '016_instance_identity', module: instanceIdentity },
  { name: '017_search_filter_terms', module: searchFilterTerms },
];
