import type { Knex } from 'knex';
import { defaultSlaPolicies, slaClasses, type SlaClass } from '../../config/sla-defaults';
import { childPath, type JurisdictionLevel } from '../queries/jurisdictions';
import type { UnitKind } from '../queries/units';
import type { UserRole } from '../queries/users';
import { saveLabelledTexts } from '../queries/triage';
import { categoryKeywords, triageCorpus } from './triage-corpus';

/**
 * A demo city modelled on 林州市 (Henan) as the 三办协同 article describes it. Names marked "demo" below are
 * not in the article: they are made up so that every street has at least two communities.
 *
 * Id scheme, after the statistical division codes: city 6 digits, street/town 9 (街道 0xx, 镇 1xx),
 * community/village 12 (社区 0xx, 村 2xx), grid = community id + `-gNN`.
 */
export const demo = {
  cityId: '410581',
  streets: {
    kaiyuan: '410581001', // 开元街道
    zhenlin: '410581002', // 振林街道
    longshan: '410581003', // 龙山街道
    guiyuan: '410581004', // 桂园街道
    donggang: '410581101', // 东岗镇
    wulong: '410581102', // 五龙镇
  },
  communities: {
    xiaochi: '410581001001', // 小池社区
    wayao: '410581001002', // 瓦窑社区
    xihuayuan: '410581002001', // 西花园社区
    xiangyang: '410581002002', // 向阳社区 (demo)
    longshan: '410581003001', // 龙山社区
    hongqiqu: '410581003002', // 红旗渠社区 (demo)
    guiyuan: '410581004001', // 桂园社区 (demo)
    taihang: '410581004002', // 太行社区 (demo)
    yanyu: '410581101201', // 岩峪村
    donggang: '410581101202', // 东岗村 (demo)
    wulong: '410581102201', // 五龙村 (demo)
    nanshan: '410581102202', // 南山村 (demo)
  },
  grids: {
    xiaochi1: '410581001001-g01',
    xiaochi2: '410581001001-g02',
    wayao1: '410581001002-g01',
    xihuayuan1: '410581002001-g01',
    longshan1: '410581003001-g01',
    yanyu1: '410581101201-g01',
  },
  units: {
    mobile: 'unit-mobile',
    unicom: 'unit-unicom',
    telecom: 'unit-telecom',
    cable: 'unit-cable',
    power: 'unit-power',
    urban: 'unit-urban',
    housing: 'unit-housing',
    heating: 'unit-heating',
    water: 'unit-water',
    police: 'unit-police',
    transport: 'unit-transport',
    environment: 'unit-environment',
    justice: 'unit-justice',
  },
  categories: {
    manholeCover: 'manhole-cover',
    roadDamage: 'road-damage',
    streetLight: 'street-light',
    drainage: 'drainage',
    trafficFacility: 'traffic-facility',
    treeHazard: 'tree-hazard',
    heating: 'heating',
    waterSupply: 'water-supply',
    powerSupply: 'power-supply',
    utilityPole: 'utility-pole',
    cableSagging: 'cable-sagging',
    sanitation: 'sanitation',
    noise: 'noise',
    pollution: 'pollution',
    neighbourDispute: 'neighbour-dispute',
    policyConsultation: 'policy-consultation',
    safetyHazard: 'safety-hazard',
    publicOrder: 'public-order',
  },
  /** Usernames; every one but `admin` is a demo account. */
  users: {
    admin: 'admin',
    clerk: 'clerk',
    grid: 'grid',
    gridYanyu: 'grid-yanyu',
    dispatcherCommunity: 'dispatcher-community',
    dispatcherStreet: 'dispatcher-street',
    dispatcherTown: 'dispatcher-donggang',
    dispatcherCity: 'dispatcher-city',
    liaisonMobile: 'liaison-mobile',
    liaisonTelecom: 'liaison-telecom',
    liaisonUnicom: 'liaison-unicom',
    liaisonCable: 'liaison-cable',
    liaisonHeating: 'liaison-heating',
    liaisonPower: 'liaison-power',
    liaisonUrban: 'liaison-urban',
    supervisorStreet: 'supervisor-street',
    supervisorCity: 'supervisor-city',
  },
} as const;

const { streets: s, communities: c, grids: g, units: u, categories: k, users: n } = demo;

/** [id, name, level, parentId], parents before children. */
const jurisdictions: [string, string, JurisdictionLevel, string | null][] = [
  [demo.cityId, '林州市', 'city', null],
  [s.kaiyuan, '开元街道', 'street', demo.cityId],
  [s.zhenlin, '振林街道', 'street', demo.cityId],
  [s.longshan, '龙山街道', 'street', demo.cityId],
  [s.guiyuan, '桂园街道', 'street', demo.cityId],
  [s.donggang, '东岗镇', 'street', demo.cityId],
  [s.wulong, '五龙镇', 'street', demo.cityId],
  [c.xiaochi, '小池社区', 'community', s.kaiyuan],
  [c.wayao, '瓦窑社区', 'community', s.kaiyuan],
  [c.xihuayuan, '西花园社区', 'community', s.zhenlin],
  [c.xiangyang, '向阳社区', 'community', s.zhenlin],
  [c.longshan, '龙山社区', 'community', s.longshan],
  [c.hongqiqu, '红旗渠社区', 'community', s.longshan],
  [c.guiyuan, '桂园社区', 'community', s.guiyuan],
  [c.taihang, '太行社区', 'community', s.guiyuan],
  [c.yanyu, '岩峪村', 'community', s.donggang],
  [c.donggang, '东岗村', 'community', s.donggang],
  [c.wulong, '五龙村', 'community', s.wulong],
  [c.nanshan, '南山村', 'community', s.wulong],
  [g.xiaochi1, '小池社区第一网格', 'grid', c.xiaochi],
  [g.xiaochi2, '小池社区第二网格', 'grid', c.xiaochi],
  [g.wayao1, '瓦窑社区第一网格', 'grid', c.wayao],
  [g.xihuayuan1, '西花园社区第一网格', 'grid', c.xihuayuan],
  [g.longshan1, '龙山社区第一网格', 'grid', c.longshan],
  [g.yanyu1, '岩峪村第一网格', 'grid', c.yanyu],
];

/**
 * Where each community is, for Open311's lat/long (OPEN311.md): a centroid [lat, lng] (WGS84) for every one,
 * and for the town's communities an area (a rectangle about 1 km across, [south, west, north, east]), laid
 * side by side around 林州's centre. The villages have a centroid only: a point near one (within 5 km)
 * finds it by distance. Made up for the demo; a city loads its own with `npm run cli -- import-areas`.
 */
export const demoPlaces: Record<string, { centroid: [number, number]; box?: [number, number, number, number] }> = {
  [c.xiaochi]: { centroid: [36.085, 113.825], box: [36.08, 113.82, 36.09, 113.83] },
  [c.wayao]: { centroid: [36.085, 113.835], box: [36.08, 113.83, 36.09, 113.84] },
  [c.xihuayuan]: { centroid: [36.095, 113.805], box: [36.09, 113.8, 36.1, 113.81] },
  [c.xiangyang]: { centroid: [36.095, 113.815], box: [36.09, 113.81, 36.1, 113.82] },
  [c.longshan]: { centroid: [36.075, 113.805], box: [36.07, 113.8, 36.08, 113.81] },
  [c.hongqiqu]: { centroid: [36.075, 113.815], box: [36.07, 113.81, 36.08, 113.82] },
  [c.guiyuan]: { centroid: [36.095, 113.825], box: [36.09, 113.82, 36.1, 113.83] },
  [c.taihang]: { centroid: [36.095, 113.835], box: [36.09, 113.83, 36.1, 113.84] },
  [c.yanyu]: { centroid: [36.03, 113.9] },
  [c.donggang]: { centroid: [36.045, 113.88] },
  [c.wulong]: { centroid: [36.2, 113.72] },
  [c.nanshan]: { centroid: [36.18, 113.74] },
};

/** A box as a closed GeoJSON Polygon ring of [lng, lat] positions. */
const boxPolygon = ([s0, w, n0, e]: [number, number, number, number]) => ({
  type: 'Polygon',
  coordinates: [[[w, s0], [e, s0], [e, n0], [w, n0], [w, s0]]],
});

/** [id, name, shortName, kind]; all serve the whole city. */
const units: [string, string, string, UnitKind][] = [
  [u.mobile, '中国移动林州分公司', '移动', 'telecom'],
  [u.unicom, '中国联通林州分公司', '联通', 'telecom'],
  [u.telecom, '中国电信林州分公司', '电信', 'telecom'],
  [u.cable, '豫广网络林州分公司', '广电', 'telecom'],
  [u.power, '国网林州市供电公司', '供电', 'utility'],
  [u.urban, '林州市城市管理局', '城管', 'department'],
  [u.housing, '林州市住房和城乡建设局', '住建', 'department'],
  [u.heating, '林州市供热公司', '热力', 'utility'],
  [u.water, '林州市供水公司', '供水', 'utility'],
  [u.police, '林州市公安局', '公安', 'department'],
  [u.transport, '林州市交通运输局', '交通', 'department'],
  [u.environment, '林州市生态环境局', '环保', 'department'],
  // The article's 司法局 speaks of 矛盾化解; people's mediation of disputes sits with it.
  [u.justice, '林州市司法局', '司法', 'department'],
];

/** [id, name, parentId, slaClass, description]; groups first. Exported for the triage bench (it trains offline). */
export const demoCategories: [string, string, string | null, SlaClass, string][] = [
  ['municipal', '市政设施', null, 'general', '道路、井盖、路灯、排水等市政设施问题'],
  ['utilities', '水电气热', null, 'utility', '供水、供电、供气、供暖等民生保障问题，7×24小时办理'],
  ['telecom', '通信设施', null, 'general', '通信、广电线缆及设施问题'],
  ['environment', '生态环境', null, 'general', '环境卫生、噪音、污染问题'],
  ['community-affairs', '社区事务', null, 'general', '矛盾纠纷、政策咨询等'],
  ['public-safety', '公共安全', null, 'urgent', '危及人身、财产安全的问题'],
  [k.manholeCover, '井盖破损', 'municipal', 'general', '井盖破损、缺失、移位（如路口化粪池井盖严重破损）'],
  [k.roadDamage, '道路坑洼塌陷', 'municipal', 'general', '路面坑洼、积水、塌陷（如商户步道路面塌陷）'],
  [k.streetLight, '路灯故障', 'municipal', 'general', '路灯不亮、遮挡、损坏'],
  [k.drainage, '排水管道堵塞', 'municipal', 'general', '下水道、排水管道堵塞及由此引起的渗漏'],
  [k.trafficFacility, '交通设施损坏', 'municipal', 'general', '交通标志、护栏、信号灯损坏'],
  [k.treeHazard, '树木隐患', 'municipal', 'general', '枯树、断枝等可能掉落伤人的树木隐患'],
  [k.heating, '供暖不热', 'utilities', 'utility', '暖气不热、停暖、管网漏水'],
  [k.waterSupply, '停水/供水异常', 'utilities', 'utility', '停水、水压低、水质异常'],
  [k.powerSupply, '停电/供电故障', 'utilities', 'utility', '停电、电压不稳、线路故障'],
  [k.utilityPole, '电杆倾斜', 'utilities', 'utility', '电力、通信杆倾斜或倒伏，涉及多家单位'],
  [k.cableSagging, '通信线缆下垂', 'telecom', 'general', '通信、广电线缆下垂、脱落，影响通行安全'],
  [k.sanitation, '环境卫生', 'environment', 'general', '垃圾堆放、清运不及时、卫生死角'],
  [k.noise, '噪音扰民', 'environment', 'general', '施工、经营、生活噪音扰民'],
  [k.pollution, '环境污染', 'environment', 'general', '废气、污水、扬尘等污染'],
  [k.neighbourDispute, '邻里纠纷', 'community-affairs', 'general', '邻里、商户之间的矛盾纠纷'],
  [k.policyConsultation, '政策咨询', 'community-affairs', 'general', '医保缴费等政策咨询，网格员可直接答复'],
  [k.safetyHazard, '安全隐患', 'public-safety', 'urgent', '危及人身、财产安全，需立即处置的隐患'],
  [k.publicOrder, '治安问题', 'public-safety', 'general', '扰乱公共秩序等治安问题'],
];

/**
 * The 权责清单: [categoryId, jurisdictionId, leadUnitId, cooperatingUnitIds]. 政策咨询 has no row on
 * purpose: it is answered on the spot (直接办), so no unit is proposed.
 */
const responsibilities: [string, string, string, string[]][] = [
  [k.manholeCover, demo.cityId, u.urban, [u.housing]],
  [k.roadDamage, demo.cityId, u.housing, [u.urban, u.transport]],
  [k.streetLight, demo.cityId, u.urban, [u.power]],
  // Demo of a local list overriding the city's: in the towns the power company keeps the village lights.
  [k.streetLight, s.donggang, u.power, [u.urban]],
  [k.streetLight, s.wulong, u.power, [u.urban]],
  [k.drainage, demo.cityId, u.housing, [u.water, u.urban]],
  [k.trafficFacility, demo.cityId, u.transport, [u.police]],
  [k.treeHazard, demo.cityId, u.urban, [u.power]],
  [k.heating, demo.cityId, u.heating, [u.housing]],
  [k.waterSupply, demo.cityId, u.water, []],
  [k.powerSupply, demo.cityId, u.power, []],
  // 义马: a dangerous pole involving 城管, 住建, 电力 and three telecom operators.
  [k.utilityPole, demo.cityId, u.power, [u.urban, u.housing, u.mobile, u.unicom, u.telecom]],
  // 岩峪村: 移动 designated lead, with 电信, 广电 and 联通 cooperating (the article's order).
  [k.cableSagging, demo.cityId, u.mobile, [u.telecom, u.cable, u.unicom]],
  [k.sanitation, demo.cityId, u.urban, []],
  [k.noise, demo.cityId, u.environment, [u.police, u.urban]],
  [k.pollution, demo.cityId, u.environment, []],
  [k.neighbourDispute, demo.cityId, u.justice, [u.police]],
  [k.safetyHazard, demo.cityId, u.urban, [u.housing, u.police]],
  [k.publicOrder, demo.cityId, u.police, []],
];

/** [username, displayName, role, jurisdictionId, unitId]. */
const users: [string, string, UserRole, string | null, string | null][] = [
  [n.admin, '系统管理员', 'admin', demo.cityId, null],
  [n.clerk, '市平台受理员', 'clerk', demo.cityId, null],
  [n.grid, '小池社区网格员', 'gridWorker', c.xiaochi, null],
  [n.gridYanyu, '岩峪村网格员', 'gridWorker', c.yanyu, null],
  [n.dispatcherCommunity, '小池社区调度员', 'dispatcher', c.xiaochi, null],
  [n.dispatcherStreet, '开元街道调度员', 'dispatcher', s.kaiyuan, null],
  [n.dispatcherTown, '东岗镇调度员', 'dispatcher', s.donggang, null],
  [n.dispatcherCity, '市接诉即办平台调度员', 'dispatcher', demo.cityId, null],
  [n.liaisonMobile, '移动公司联络员', 'liaison', null, u.mobile],
  [n.liaisonTelecom, '电信公司联络员', 'liaison', null, u.telecom],
  [n.liaisonUnicom, '联通公司联络员', 'liaison', null, u.unicom],
  [n.liaisonCable, '豫广网络联络员', 'liaison', null, u.cable],
  [n.liaisonHeating, '供热公司联络员', 'liaison', null, u.heating],
  [n.liaisonPower, '供电公司联络员', 'liaison', null, u.power],
  [n.liaisonUrban, '城管局联络员', 'liaison', null, u.urban],
  [n.supervisorStreet, '开元街道督办员', 'supervisor', s.kaiyuan, null],
  [n.supervisorCity, '市级督办员', 'supervisor', demo.cityId, null],
];

/**
 * Writes the demo city. Idempotent: every row is an upsert keyed on its natural key, so a second run
 * changes nothing, and concurrent runs do not fail. SLA policies are only inserted when missing, so an
 * admin's edit survives re-seeding. Users get no tokens here (the CLI issues them).
 */
export async function seedDemoCity(db: Knex): Promise<void> {
  await db.transaction(async (trx) => {
    const paths = new Map<string, string>();
    const jurisdictionRows = jurisdictions.map(([id, name, level, parentId]) => {
      const path = childPath(parentId === null ? null : paths.get(parentId)!, id);
      paths.set(id, path);
      return { id, name, level, parent_id: parentId, path };
    });
    await trx('jurisdictions').insert(jurisdictionRows).onConflict('id').merge(['name', 'level', 'parent_id', 'path']);
    for (const [id, place] of Object.entries(demoPlaces)) {
      await trx('jurisdictions')
        .where({ id })
        .update({ centroid_lat: place.centroid[0], centroid_lng: place.centroid[1], area: place.box ? JSON.stringify(boxPolygon(place.box)) : null });
    }

    await trx('units')
      .insert(
        units.map(([id, name, shortName, kind]) => ({
          id,
          name,
          short_name: shortName,
          kind,
          jurisdiction_id: demo.cityId,
        })),
      )
      .onConflict('id')
      // `active` is left alone: an admin may have retired a unit.
      .merge(['name', 'short_name', 'kind', 'jurisdiction_id']);

    await trx('categories')
      .insert(
        demoCategories.map(([id, name, parentId, slaClass, description]) => ({
          id,
          name,
          parent_id: parentId,
          sla_class: slaClass,
          description,
          keywords: categoryKeywords[id] ?? [],
        })),
      )
      .onConflict('id')
      .merge(['name', 'parent_id', 'sla_class', 'description', 'keywords']);

    // Smart dispatch's seed history (db/seeds/triage-corpus.ts): exactly the file's sentences, keyed by position.
    await saveLabelledTexts(
      trx,
      'seed',
      Object.entries(triageCorpus).flatMap(([category, texts]) => texts.map((text, i) => ({ key: `seed:${category}:${i + 1}`, text, category }))),
      { replace: true },
    );

    await trx('responsibilities')
      .insert(
        responsibilities.flatMap(([categoryId, jurisdictionId, lead, cooperating]) => [
          { category_id: categoryId, jurisdiction_id: jurisdictionId, unit_id: lead, role: 'lead' },
          ...cooperating.map((unitId) => ({
            category_id: categoryId,
            jurisdiction_id: jurisdictionId,
            unit_id: unitId,
            role: 'cooperating',
          })),
        ]),
      )
      .onConflict(['category_id', 'jurisdiction_id', 'unit_id'])
      .merge(['role']);

    await trx('sla_policies')
      .insert(
        slaClasses.map((slaClass) => {
          const p = defaultSlaPolicies[slaClass];
          return {
            sla_class: slaClass,
            triage: p.triage,
            respond: p.respond,
            resolve: p.resolve,
            callback: p.callback,
            repeat_overdue: p.repeatOverdue,
            warn_at: p.warnAt,
            basis: p.basis,
          };
        }),
      )
      .onConflict('sla_class')
      .ignore();

    await trx('users')
      .insert(
        users.map(([username, displayName, role, jurisdictionId, unitId]) => ({
          username,
          display_name: displayName,
          role,
          jurisdiction_id: jurisdictionId,
          unit_id: unitId,
        })),
      )
      .onConflict('username')
      // Restores the demo accounts' scope; ids, created_at and disabled_at stay as they are.
      .merge(['display_name', 'role', 'jurisdiction_id', 'unit_id']);
  });
}
