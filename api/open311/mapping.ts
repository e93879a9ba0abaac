/**
 * GeoReport v2 ↔ jiesu (../shared/spec/OPEN311.md "Mapping onto jiesu"): categories as services, cases as
 * service requests, and a POSTed request as the body `POST /api/v1/cases` takes, so that it goes through
 * the same validation (OpenCaseBody) and the same intake.
 */
import { requestTypes, zh, type CaseState, type CaseStatus, type RequestType } from '../../workflows/domain';
import type { PublishedCase } from '../../db/queries/open311';
import { zodDetails } from '../errors';
import { OpenCaseBody } from '../schemas/cases';
import { attributes, many, one, type Params } from './form';
import { inWords, Open311Error, w3cdtf, type WireValue } from './wire';

/** Codes a path segment can carry unescaped (the spec's rule for service_code). */
export const serviceCodePattern = /^[A-Za-z0-9._-]{1,64}$/;

export interface ServiceCategory {
  id: string;
  name: string;
  description: string | null;
  parentName: string | null;
}

export function serviceOf(c: ServiceCategory): WireValue {
  return {
    service_code: c.id,
    service_name: c.name,
    description: c.description,
    metadata: true,
    type: 'realtime',
    keywords: null,
    group: c.parentName,
  };
}

/** The definition: `request_type` (the 诉求类型), optional, `help` when not given. */
export function definitionOf(c: ServiceCategory): WireValue {
  return {
    service_code: c.id,
    attributes: [
      {
        variable: true,
        code: 'request_type',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: '诉求类型，不填为求助（help）',
        order: 1,
        description: '诉求类型',
        values: requestTypes.map((key) => ({ key, name: zh.requestType[key] })),
      },
    ],
  };
}

const closedStatuses: ReadonlySet<CaseStatus> = new Set(['resolved', 'closed', 'withdrawn', 'merged']);

export const open311Status = (status: CaseStatus): 'open' | 'closed' => (closedStatuses.has(status) ? 'closed' : 'open');

/** When the request became `closed` for Open311: resolution, else the case's end. */
function closedAt(state: CaseState): string {
  if (state.status === 'resolved') return state.resolvedAt ?? state.updatedAt;
  return state.closedAt ?? state.resolvedAt ?? state.updatedAt;
}

/** The promised deadline in words. */
export function serviceNotice(state: CaseState): string {
  const resolveBy = inWords(state.deadlines.resolveBy);
  if (resolveBy) return `承诺于 ${resolveBy} 前办结（案件编号 ${state.caseNo}）`;
  const triageBy = inWords(state.deadlines.triageBy);
  if (triageBy) return `已受理，将于 ${triageBy} 前分派至责任单位办理（案件编号 ${state.caseNo}）`;
  return `已受理，正在分派（案件编号 ${state.caseNo}）`;
}

export interface Names {
  categories: Map<string, string>;
  units: Map<string, string>;
  places: Map<string, string>;
}

/**
 * A case as a public service request. Never the reporter (name, phone, email, device or account). The
 * citizen's own text, address, coordinates and media, and the units' notes, only when the case is
 * `disclosed` (it came in through Open311, a public channel, or the citizen agreed to publication):
 * otherwise the place is the community's name and the notes are the status in words.
 */
export function requestOf(pc: PublishedCase, names: Names, latestNote: string | undefined): WireValue {
  const { state, disclosed } = pc;
  const status = open311Status(state.status);
  const lead = state.assignments.find((a) => a.active && a.role === 'lead');
  const place = `${names.places.get(state.location.streetId) ?? ''}${names.places.get(state.location.communityId) ?? ''}`;
  let notes: string | null;
  if (state.status === 'withdrawn') notes = '已撤回';
  else if (state.status === 'merged') notes = `已并入 ${state.mergedInto ?? ''}`.trim();
  else if (status === 'closed') notes = (disclosed ? state.resolution?.summary : undefined) ?? '已办结';
  else notes = (disclosed ? latestNote : undefined) ?? (state.reopenCount > 0 ? '诉求人不满意，已重新办理' : null);
  const media = state.attachments.find((a) => a.kind === 'image') ?? state.attachments[0];
  return {
    service_request_id: state.caseNo,
    status,
    status_notes: notes,
    service_name: names.categories.get(state.category) ?? null,
    service_code: state.category,
    description: disclosed ? state.description : null,
    agency_responsible: lead ? (names.units.get(lead.unitId) ?? lead.unitId) : state.mode === 'direct' ? place || null : null,
    service_notice: serviceNotice(state),
    requested_datetime: w3cdtf(state.createdAt),
    updated_datetime: w3cdtf(status === 'closed' ? closedAt(state) : state.updatedAt),
    expected_datetime: w3cdtf(state.deadlines.resolveBy),
    address: (disclosed ? state.location.address : null) || place || null,
    address_id: null,
    zipcode: null,
    lat: disclosed ? (state.location.lat ?? null) : null,
    long: disclosed ? (state.location.lng ?? null) : null,
    media_url: disclosed ? (media?.url ?? null) : null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// POST requests → the body of POST /api/v1/cases

export interface ResolvedPlace {
  communityId: string;
  gridId?: string;
  /** What goes into `location.address`: address_string, else the place's name. */
  address: string;
  lat?: number;
  lng?: number;
}

/** Private extras of a request, kept beside the case (never published). */
export interface RequestExtras {
  email?: string;
  deviceId?: string;
  accountId?: string;
  /** Every `attribute[code]` sent, `request_type` included. */
  attributes: Record<string, string[]>;
}

/** Which Open311 argument a field of OpenCaseBody came from, for the 400's description. */
const argumentOf = (field: string): string => {
  const table: [RegExp, string][] = [
    [/^category/, 'service_code'],
    [/^requestType/, 'attribute[request_type]'],
    [/^(title|description)/, 'description'],
    [/^location\.address/, 'address_string'],
    [/^location\.lat/, 'lat'],
    [/^location\.lng/, 'long'],
    [/^location\./, 'address_id'],
    [/^reporter\.name/, 'first_name/last_name'],
    [/^reporter\.phone/, 'phone'],
    [/^attachments/, 'media_url'],
  ];
  return table.find(([re]) => re.test(field))?.[1] ?? field;
};

/** A 400 naming each argument, one `error` per argument. */
export class BadArguments extends Open311Error {
  constructor(readonly problems: { argument: string; message: string }[]) {
    super(400, problems.map((p) => `参数 ${p.argument} 有误：${p.message}`).join('；'));
  }
}

const han = /\p{Script=Han}/u;

/** `first_name` + `last_name`: 姓 before 名 for Chinese names (郭 + 凤 = 郭凤), given name first otherwise. */
export function reporterName(first: string | undefined, last: string | undefined): string | undefined {
  if (!first && !last) return undefined;
  if (!first || !last) return (first ?? last)!;
  return han.test(first) || han.test(last) ? `${last}${first}` : `${first} ${last}`;
}

/** The title: the description's first line (FixMyStreet's "title: ..." prefix dropped), 30 characters at most. */
export function titleOf(description: string | undefined, serviceName: string): string {
  const first = (description ?? '').split(/\r?\n/).map((l) => l.replace(/^title:\s*/i, '').trim()).find(Boolean);
  return [...(first || serviceName)].slice(0, 30).join('');
}

const limits = { email: 254, device_id: 200, account_id: 200, attributeValue: 2000, attributes: 50 };

/**
 * The intake body for a POSTed request at a resolved place, validated by OpenCaseBody exactly as
 * `POST /api/v1/cases` validates it; a problem is a 400 naming the Open311 argument.
 */
export function intakeBodyOf(params: Params, service: ServiceCategory, place: ResolvedPlace): { body: ReturnType<typeof OpenCaseBody.parse>; extras: RequestExtras } {
  const problems: { argument: string; message: string }[] = [];
  const attrs = attributes(params);
  if (attrs.size > limits.attributes) problems.push({ argument: 'attribute', message: `最多 ${limits.attributes} 个` });
  for (const [code, values] of attrs) {
    if (values.some((v) => v.length > limits.attributeValue)) problems.push({ argument: `attribute[${code}]`, message: `不能超过 ${limits.attributeValue} 个字符` });
  }
  const requestType = attrs.get('request_type')?.[0];
  if (requestType !== undefined && !(requestTypes as readonly string[]).includes(requestType)) {
    problems.push({ argument: 'attribute[request_type]', message: `应为 ${requestTypes.join('、')} 之一` });
  }
  const extras: RequestExtras = { attributes: Object.fromEntries(attrs) };
  for (const [arg, key] of [['email', 'email'], ['device_id', 'deviceId'], ['account_id', 'accountId']] as const) {
    const value = one(params, arg);
    if (value === undefined) continue;
    if (value.length > limits[arg]) problems.push({ argument: arg, message: `不能超过 ${limits[arg]} 个字符` });
    else extras[key] = value;
  }
  const description = one(params, 'description');
  // Spaces, dots and brackets are how people write numbers; the intake rule is about the digits.
  const phone = one(params, 'phone')?.replace(/[\s().]/g, '');
  const name = reporterName(one(params, 'first_name'), one(params, 'last_name'));
  const media = many(params, 'media_url');
  const candidate = {
    requestType: (requestType ?? 'help') as RequestType,
    category: service.id,
    title: titleOf(description, service.name),
    description: description ?? service.name,
    urgency: 'normal',
    channel: 'open311',
    location: {
      communityId: place.communityId,
      ...(place.gridId ? { gridId: place.gridId } : {}),
      address: place.address,
      ...(place.lat !== undefined ? { lat: place.lat, lng: place.lng } : {}),
    },
    reporter: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) },
    ...(media.length > 0 ? { attachments: media.map((url) => ({ url, kind: 'image' })) } : {}),
  };
  const parsed = OpenCaseBody.safeParse(candidate);
  if (!parsed.success) {
    for (const d of zodDetails(parsed.error)) {
      if (!(d.field === 'requestType' && problems.some((p) => p.argument === 'attribute[request_type]'))) problems.push({ argument: argumentOf(d.field), message: d.message });
    }
  }
  if (problems.length > 0 || !parsed.success) throw new BadArguments(problems);
  return { body: parsed.data, extras };
}
