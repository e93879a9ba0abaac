/**
 * The pure parts of Open311: instants, the XML writer read back by a real XML parser, points to communities,
 * and the argument mapping. The schemas themselves are checked against the spec's own examples.
 */
import { areaContains, communityAt, distanceMeters, parseAreaImport, type AreaGeometry } from '../../workflows/domain/geo';
import { reporterName, titleOf } from '../../api/open311/mapping';
import { inWords, parseW3cdtf, toXml, w3cdtf } from '../../api/open311/wire';
import { demo } from '../../db/seeds/demo-city';
import { schema, validate, w3cdtfPattern, xmlParser } from './support';

describe('W3C-DTF instants', () => {
  it('writes Beijing time with the +08:00 offset and no fraction', () => {
    expect(w3cdtf('2026-11-23T06:05:00.123Z')).toBe('2026-11-23T14:05:00+08:00');
    expect(w3cdtf('2026-12-31T16:00:00Z')).toBe('2027-01-01T00:00:00+08:00');
    expect(w3cdtf(null)).toBeNull();
    expect(w3cdtf('not a date')).toBeNull();
    expect(w3cdtf(new Date())).toMatch(w3cdtfPattern);
    expect(inWords('2026-11-30T09:30:00Z')).toBe('2026年11月30日 17:30');
  });

  it('reads every W3C-DTF precision, the offsets clients send, and refuses the rest', () => {
    const at = (t: string) => parseW3cdtf(t)?.start.toISOString();
    expect(at('2026-11-23T14:05:00+08:00')).toBe('2026-11-23T06:05:00.000Z');
    expect(at('2026-11-23T06:05:00Z')).toBe('2026-11-23T06:05:00.000Z');
    expect(at('2026-11-23T06:05:00.5Z')).toBe('2026-11-23T06:05:00.500Z');
    expect(at('2026-11-23T01:05:00-05:00')).toBe('2026-11-23T06:05:00.000Z');
    expect(at('2026-11-23T14:05+08:00')).toBe('2026-11-23T06:05:00.000Z');
    // A `+` sent unencoded in a query string arrives as a space.
    expect(at('2026-11-23T14:05:00 08:00')).toBe('2026-11-23T06:05:00.000Z');
    expect(at('2026-11-23')).toBe('2026-11-22T16:00:00.000Z');
    expect(parseW3cdtf('2026-11-23')!.end.toISOString()).toBe('2026-11-23T16:00:00.000Z');
    expect(parseW3cdtf('2026-11')!.end.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    for (const bad of ['', 'yesterday', '2026-13-01', '2026-02-30', '2026-11-23T25:00:00Z', '2026-11-23T14:05:00+99:00', '23/11/2026', '1700000000']) {
      expect({ bad, parsed: parseW3cdtf(bad) }).toEqual({ bad, parsed: null });
    }
  });
});

describe('the XML writer', () => {
  it('writes the spec roots, empty elements for absent values, true/false, escaped text, and reads back with a real parser', () => {
    const tricky = '井盖 <破损> & "松动" 的\u0001 路口';
    const xml = toXml({ kind: 'service_requests' }, [
      { service_request_id: '20261123000001', status: 'open', status_notes: null, description: tricky, lat: 36.085, metadata: true, flag: false },
    ]);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<service_requests>')).toBe(true);
    expect(xml).toContain('<status_notes></status_notes>');
    expect(xml).toContain('<metadata>true</metadata>');
    expect(xml).toContain('&lt;破损&gt; &amp;');
    const parsed = xmlParser.parse(xml);
    expect(parsed.service_requests.request).toEqual([
      { service_request_id: '20261123000001', status: 'open', status_notes: '', description: '井盖 <破损> & "松动" 的 路口', lat: '36.085', metadata: 'true', flag: 'false' },
    ]);
  });

  it('nests lists under their singular element, and an empty list is an empty root', () => {
    const xml = toXml({ kind: 'discovery' }, { changeset: 'x', endpoints: [{ formats: ['text/xml', 'application/json'] }] });
    expect(xmlParser.parse(xml).discovery.endpoints.endpoint[0].formats.format).toEqual(['text/xml', 'application/json']);
    expect(xmlParser.parse(toXml({ kind: 'services' }, [])).services).toBe('');
    expect(xmlParser.parse(toXml({ kind: 'errors' }, [{ code: 403, description: 'api_key 无效' }])).errors.error).toEqual([{ code: '403', description: 'api_key 无效' }]);
  });
});

describe('points to communities', () => {
  const square: AreaGeometry = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6]]] };
  it('holds a point inside the outer ring, on an edge, not in a hole or outside', () => {
    expect(areaContains(square, { lng: 1, lat: 1 })).toBe(true);
    expect(areaContains(square, { lng: 0, lat: 5 })).toBe(true);
    expect(areaContains(square, { lng: 5, lat: 5 })).toBe(false);
    expect(areaContains(square, { lng: 11, lat: 5 })).toBe(false);
    expect(areaContains({ type: 'MultiPolygon', coordinates: [square.coordinates as never, [[[20, 20], [21, 20], [21, 21]]]] }, { lng: 20.8, lat: 20.2 })).toBe(true);
  });

  it('prefers the area that holds the point, else the nearest centroid within 5 km, else none', () => {
    const communities = [
      { id: 'a', centroid: { lat: 36.085, lng: 113.825 }, area: { type: 'Polygon' as const, coordinates: [[[113.82, 36.08], [113.83, 36.08], [113.83, 36.09], [113.82, 36.09]] as [number, number][]] } },
      { id: 'b', centroid: { lat: 36.083, lng: 113.831 }, area: null },
      { id: 'v', centroid: { lat: 36.03, lng: 113.9 }, area: null },
    ];
    // Nearer to b's centroid, but inside a's area.
    expect(communityAt(communities, { lat: 36.0831, lng: 113.8299 })).toMatchObject({ community: { id: 'a' }, by: 'area' });
    expect(communityAt(communities, { lat: 36.04, lng: 113.9 })).toMatchObject({ community: { id: 'v' }, by: 'centroid' });
    expect(communityAt(communities, { lat: 36.5, lng: 113.8 })).toBeNull();
    expect(Math.round(distanceMeters({ lat: 36.03, lng: 113.9 }, { lat: 36.04, lng: 113.9 }))).toBe(1112);
  });

  it('reads a GeoJSON FeatureCollection for import-areas, and says what is wrong with a bad one', () => {
    const imports = parseAreaImport({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: demo.communities.xiaochi }, geometry: { type: 'Polygon', coordinates: [[[113.82, 36.08], [113.83, 36.08], [113.83, 36.09], [113.82, 36.09], [113.82, 36.08]]] } },
        { type: 'Feature', properties: { name: '岩峪村' }, geometry: { type: 'Point', coordinates: [113.9, 36.03] } },
      ],
    });
    expect(imports[0]!.centroid.lat).toBeCloseTo(36.085, 6);
    expect(imports[0]!.centroid.lng).toBeCloseTo(113.825, 6);
    expect(imports[1]).toEqual({ ref: { id: undefined, name: '岩峪村' }, centroid: { lat: 36.03, lng: 113.9 }, area: null });
    expect(() => parseAreaImport({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } }] })).toThrow(/id/);
    expect(() => parseAreaImport({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'x' }, geometry: { type: 'Polygon', coordinates: [[[1, 2]]] } }] })).toThrow(/环/);
    expect(() => parseAreaImport([1, 2])).toThrow(/FeatureCollection/);
  });
});

describe('arguments', () => {
  it('puts 姓 before 名 for Chinese names and keeps western order otherwise', () => {
    expect(reporterName('凤', '郭')).toBe('郭凤');
    expect(reporterName('Jane', 'Smith')).toBe('Jane Smith');
    expect(reporterName('郭凤', undefined)).toBe('郭凤');
    expect(reporterName(undefined, undefined)).toBeUndefined();
  });

  it("takes the title from the description's first line (FixMyStreet's 'title:' prefix dropped), else the service name", () => {
    expect(titleOf('title:  路灯不亮\n\ndetail: 和谐路口三盏路灯', '路灯故障')).toBe('路灯不亮');
    expect(titleOf('\n\n和谐路口路灯不亮已经一周了，晚上行人看不清路面，非常危险，希望尽快修复', '路灯故障')).toBe('和谐路口路灯不亮已经一周了，晚上行人看不清路面，非常危险，希');
    expect(titleOf(undefined, '路灯故障')).toBe('路灯故障');
  });
});

describe('the GeoReport v2 schemas', () => {
  // The spec's examples (GeoReport v2, with ids as strings as the schemas require) pass; drift fails.
  const specRequest = {
    service_request_id: '638344',
    status: 'closed',
    status_notes: 'Duplicate request.',
    service_name: 'Sidewalk and Curb Issues',
    service_code: '006',
    description: null,
    agency_responsible: null,
    service_notice: null,
    requested_datetime: '2010-04-14T06:37:38-08:00',
    updated_datetime: '2010-04-14T06:37:38-08:00',
    expected_datetime: '2010-04-15T06:37:38-08:00',
    address: '8TH AVE and JUDAH ST',
    address_id: '545483',
    zipcode: '94122',
    lat: 37.762221815,
    long: -122.4651145,
    media_url: 'http://city.gov.s3.amazonaws.com/requests/media/638344.jpg',
  };
  it('accept the spec examples', () => {
    expect(validate([specRequest], schema('requests.json'))).toEqual([]);
    expect(validate([{ service_code: '001', service_name: 'Cans left out 24x7', description: 'Garbage or recycling cans that have been left out for more than 24 hours after collection.', metadata: false, type: 'realtime', keywords: 'lorem, ipsum, dolor', group: 'sanitation' }], schema('services.json'))).toEqual([]);
    expect(validate([{ service_request_id: '293944', service_notice: 'The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code' }], schema('post-response.json'))).toEqual([]);
    expect(validate([{ code: 403, description: 'Invalid api_key' }], schema('errors.json'))).toEqual([]);
  });
  it('refuse what the schemas reject: numeric ids, string coordinates, wrapped lists, unknown fields', () => {
    expect(validate([{ ...specRequest, service_request_id: 638344 }], schema('requests.json'))).not.toEqual([]);
    expect(validate([{ ...specRequest, lat: '37.76' }], schema('requests.json'))).not.toEqual([]);
    expect(validate({ service_requests: [specRequest] }, schema('requests.json'))).not.toEqual([]);
    expect(validate([{ ...specRequest, email: 'a@b.c' }], schema('requests.json'))).not.toEqual([]);
    expect(validate([{ ...specRequest, requested_datetime: '2010-04-14 06:37' }], schema('requests.json'))).not.toEqual([]);
  });
});
