/**
 * A labelled set of repeat reports (并单) for measuring duplicate proposals: open cases as the read model holds
 * them, and new reports, each naming the open case it repeats (or none). Written for the project, with hard
 * negatives: the same community but another problem, the same problem a kilometre away, the same kind of
 * problem in another community, an old case. Never used to tune anything but the one threshold documented in
 * triage/duplicates.ts. Coordinates around 林州 (36.08 N, 113.82 E); ageDays: how long ago the case came in.
 */
export interface OpenCaseFixture {
  id: string;
  category: string;
  communityId: string;
  gridId?: string;
  lat?: number;
  lng?: number;
  address: string;
  phone?: string;
  ageDays: number;
  title: string;
  description: string;
}

export interface ReportFixture {
  text: string;
  communityId: string;
  gridId?: string;
  lat?: number;
  lng?: number;
  address?: string;
  phone?: string;
  /** The open case this report repeats, or null. */
  duplicateOf: string | null;
}

const xiaochi = '410581001001';
const wayao = '410581001002';
const xihuayuan = '410581002001';
const longshan = '410581003001';
const yanyu = '410581101201';
const taihang = '410581004002';

export const openCases: OpenCaseFixture[] = [
  { id: 'c01', category: 'manhole-cover', communityId: xiaochi, lat: 36.0801, lng: 113.8201, address: '小池社区和谐路与振林路口', ageDays: 1, title: '和谐路口井盖破碎', description: '路口东侧井盖碎裂，车辆碾压有响声，行人易踩空' },
  { id: 'c02', category: 'street-light', communityId: xiaochi, lat: 36.0812, lng: 113.8215, address: '小池社区和谐路西段', ageDays: 3, title: '和谐路西段路灯不亮', description: '连续几晚路灯不亮，路上很黑' },
  { id: 'c03', category: 'cable-sagging', communityId: yanyu, lat: 36.1502, lng: 113.9003, address: '岩峪村东大线', ageDays: 2, title: '东大线通信线缆下垂', description: '线缆最低处距地面约3米，货车通过时被挂' },
  { id: 'c04', category: 'heating', communityId: taihang, address: '太行社区5号楼', phone: '13700001111', ageDays: 4, title: '5号楼暖气不热', description: '整栋楼暖气不热，室温只有14度' },
  { id: 'c05', category: 'drainage', communityId: longshan, address: '龙山社区2号楼', ageDays: 6, title: '2号楼公共下水管堵塞', description: '共用下水管堵塞，多户墙面渗水发霉' },
  { id: 'c06', category: 'noise', communityId: wayao, lat: 36.0751, lng: 113.8302, address: '瓦窑社区建业工地', ageDays: 2, title: '工地夜间施工噪音', description: '工地晚上十二点还在打桩，吵得睡不着' },
  { id: 'c07', category: 'road-damage', communityId: xihuayuan, lat: 36.0901, lng: 113.8101, address: '西花园社区北门外', ageDays: 5, title: '北门外路面塌陷', description: '路面塌了一个大坑，雨后积水' },
  { id: 'c08', category: 'sanitation', communityId: wayao, lat: 36.0760, lng: 113.8290, address: '瓦窑社区菜市场后', ageDays: 1, title: '菜市场后垃圾堆积', description: '垃圾三天没人拉，臭味很大' },
  { id: 'c09', category: 'water-supply', communityId: xihuayuan, address: '西花园小区', ageDays: 0, title: '西花园小区停水', description: '早上开始停水，没有通知' },
  { id: 'c10', category: 'tree-hazard', communityId: taihang, lat: 36.0701, lng: 113.8002, address: '太行路公交站', ageDays: 3, title: '公交站上方枯枝', description: '一根粗枯枝悬在公交站上方，随时可能掉落' },
  { id: 'c11', category: 'power-supply', communityId: longshan, address: '龙山社区', ageDays: 0, title: '龙山社区停电', description: '昨晚开始停电，至今未恢复' },
  { id: 'c12', category: 'utility-pole', communityId: yanyu, lat: 36.1490, lng: 113.8990, address: '岩峪村村口', ageDays: 8, title: '村口电杆倾斜', description: '村口水泥电杆被车撞后倾斜，有倒伏危险' },
  { id: 'c13', category: 'neighbour-dispute', communityId: xiaochi, address: '小池社区8号楼2单元', phone: '13900002222', ageDays: 5, title: '楼上漏水邻里纠纷', description: '楼上漏水到楼下，两家协商不成' },
  { id: 'c14', category: 'manhole-cover', communityId: xiaochi, lat: 36.0870, lng: 113.8280, address: '小池社区幼儿园门口', ageDays: 2, title: '幼儿园门口化粪池盖板开裂', description: '盖板开裂下沉，孩子经过有危险' },
  { id: 'c15', category: 'street-light', communityId: wayao, lat: 36.0755, lng: 113.8310, address: '瓦窑社区巷子', ageDays: 10, title: '巷子路灯坏了', description: '巷子里路灯不亮，晚上走路害怕' },
  { id: 'c16', category: 'pollution', communityId: wayao, lat: 36.0740, lng: 113.8350, address: '瓦窑社区南侧', ageDays: 4, title: '饭店油烟直排', description: '饭店油烟直接排到居民窗户上' },
  { id: 'c17', category: 'safety-hazard', communityId: xihuayuan, address: '西花园小区3号楼楼道', ageDays: 1, title: '楼道电动车充电', description: '楼道里多辆电动车充电，电线乱拉' },
  { id: 'c18', category: 'public-order', communityId: longshan, address: '龙山社区车棚', ageDays: 9, title: '车棚电动车被盗', description: '车棚里电动车电瓶接连被偷' },
  { id: 'c19', category: 'road-damage', communityId: xiaochi, lat: 36.0801, lng: 113.8211, address: '小池社区和谐路口', ageDays: 12, title: '和谐路口路面坑洼', description: '路口有几个坑，下雨积水' },
  { id: 'c20', category: 'traffic-facility', communityId: xihuayuan, lat: 36.0920, lng: 113.8120, address: '人民路与长春路口', ageDays: 1, title: '路口信号灯故障', description: '红绿灯一直黄闪，路口混乱' },
  { id: 'c21', category: 'heating', communityId: taihang, address: '太行社区9号楼', ageDays: 2, title: '9号楼一楼暖气管漏水', description: '一楼暖气管道漏水，地面都是水' },
  { id: 'c22', category: 'cable-sagging', communityId: xiaochi, lat: 36.0820, lng: 113.8230, address: '小池社区和谐路中段', ageDays: 20, title: '和谐路网线耷拉', description: '网线垂到人头顶' },
  { id: 'c23', category: 'noise', communityId: wayao, lat: 36.0790, lng: 113.8330, address: '瓦窑社区广场', ageDays: 3, title: '广场舞音响太吵', description: '每晚广场舞音响声音很大到十点' },
  { id: 'c24', category: 'water-supply', communityId: longshan, address: '龙山社区4号楼', phone: '13600003333', ageDays: 1, title: '4号楼水发黄', description: '自来水发黄有铁锈味' },
];

export const reports: ReportFixture[] = [
  // Repeats (the same problem reported again)
  { text: '和谐路那个路口的井盖碎了，车一压哐哐响', communityId: xiaochi, lat: 36.08015, lng: 113.82015, duplicateOf: 'c01' },
  { text: '振林路口井盖坏了，晚上差点踩进去', communityId: xiaochi, address: '小池社区和谐路与振林路口', duplicateOf: 'c01' },
  { text: '和谐路西边路灯还是不亮，黑乎乎的', communityId: xiaochi, lat: 36.0811, lng: 113.8217, duplicateOf: 'c02' },
  { text: '东大线上的线缆又耷拉下来了，大车过不去', communityId: yanyu, lat: 36.1504, lng: 113.9006, duplicateOf: 'c03' },
  { text: '俺家暖气还是不热，前几天报过了，5号楼的', communityId: taihang, phone: '13700001111', duplicateOf: 'c04' },
  { text: '太行社区5号楼暖气片冰凉，整栋楼都不热', communityId: taihang, address: '太行社区5号楼', duplicateOf: 'c04' },
  { text: '2号楼下水道堵了，俺家墙都湿了', communityId: longshan, address: '龙山社区2号楼', duplicateOf: 'c05' },
  { text: '工地半夜还在施工打桩，吵死了', communityId: wayao, lat: 36.0753, lng: 113.8300, duplicateOf: 'c06' },
  { text: '北门外头那个坑还在，积了一坑水', communityId: xihuayuan, lat: 36.0902, lng: 113.8102, duplicateOf: 'c07' },
  { text: '菜市场后面垃圾堆成山了没人清', communityId: wayao, lat: 36.0761, lng: 113.8291, duplicateOf: 'c08' },
  { text: '西花园小区怎么停水了，啥时候来水', communityId: xihuayuan, duplicateOf: 'c09' },
  { text: '公交站上头那根干树枝快掉了', communityId: taihang, lat: 36.0702, lng: 113.8003, duplicateOf: 'c10' },
  { text: '龙山社区还是没电，都一天了', communityId: longshan, duplicateOf: 'c11' },
  { text: '村口那根电线杆越来越斜了', communityId: yanyu, lat: 36.1491, lng: 113.8992, duplicateOf: 'c12' },
  { text: '楼上还往俺家漏水，他们家不管', communityId: xiaochi, phone: '13900002222', duplicateOf: 'c13' },
  { text: '幼儿园门口那个化粪池盖子裂了，孩子天天走', communityId: xiaochi, lat: 36.0871, lng: 113.8281, duplicateOf: 'c14' },
  { text: '饭店油烟还是往我们窗户上排', communityId: wayao, lat: 36.0741, lng: 113.8351, duplicateOf: 'c16' },
  { text: '3号楼楼道里电动车充电，插线板乱接', communityId: xihuayuan, address: '西花园小区3号楼', duplicateOf: 'c17' },
  { text: '人民路长春路口的红绿灯坏了一直闪黄灯', communityId: xihuayuan, lat: 36.0921, lng: 113.8121, duplicateOf: 'c20' },
  { text: '9号楼暖气管子漏水，一楼都淹了', communityId: taihang, address: '太行社区9号楼', duplicateOf: 'c21' },
  { text: '广场跳舞的音响太大声了', communityId: wayao, lat: 36.0791, lng: 113.8331, duplicateOf: 'c23' },
  { text: '4号楼自来水黄了，还有铁锈味', communityId: longshan, phone: '13600003333', duplicateOf: 'c24' },
  { text: '车棚又丢电瓶了', communityId: longshan, address: '龙山社区车棚', duplicateOf: 'c18' },
  { text: '瓦窑那条巷子的路灯还没修好', communityId: wayao, lat: 36.0756, lng: 113.8311, duplicateOf: 'c15' },
  // Not repeats
  { text: '和谐路口的红绿灯不亮了', communityId: xiaochi, lat: 36.0801, lng: 113.8201, duplicateOf: null },
  { text: '小池社区菜市场门口垃圾没人拉', communityId: xiaochi, duplicateOf: null },
  { text: '幼儿园旁边的大树枯了要倒', communityId: xiaochi, lat: 36.0869, lng: 113.8279, duplicateOf: null },
  { text: '东大线边上有根电线杆歪了', communityId: yanyu, lat: 36.1503, lng: 113.9004, duplicateOf: null },
  { text: '太行社区7号楼停水了', communityId: taihang, address: '太行社区7号楼', duplicateOf: null },
  { text: '龙山社区2号楼楼道灯不亮', communityId: longshan, address: '龙山社区2号楼', duplicateOf: null },
  { text: '瓦窑社区有人在楼道里吵架打起来了', communityId: wayao, lat: 36.0752, lng: 113.8301, duplicateOf: null },
  { text: '西花园北门那边的井盖没了', communityId: xihuayuan, lat: 36.0903, lng: 113.8100, duplicateOf: null },
  { text: '振林路上的井盖碎了', communityId: xihuayuan, lat: 36.0950, lng: 113.8150, duplicateOf: null },
  { text: '红旗渠社区停电了', communityId: '410581003002', duplicateOf: null },
  { text: '龙山社区有人在小区里赌博', communityId: longshan, address: '龙山社区活动室', duplicateOf: null },
  { text: '瓦窑社区化工厂味道很大', communityId: wayao, lat: 36.0700, lng: 113.8400, duplicateOf: null },
  { text: '西花园小区医保在哪交', communityId: xihuayuan, duplicateOf: null },
  { text: '小池社区8号楼楼道里堆满杂物', communityId: xiaochi, address: '小池社区8号楼', duplicateOf: null },
  { text: '太行路加油站对面路面塌了', communityId: taihang, lat: 36.0650, lng: 113.7950, duplicateOf: null },
  { text: '小池社区和谐路上KTV半夜太吵', communityId: xiaochi, lat: 36.0815, lng: 113.8220, duplicateOf: null },
  { text: '岩峪村村委门口光缆掉下来了', communityId: yanyu, lat: 36.1560, lng: 113.9080, duplicateOf: null },
  { text: '太行社区小区暖气费怎么交', communityId: taihang, duplicateOf: null },
  { text: '龙山社区6号楼自来水没水压', communityId: longshan, address: '龙山社区6号楼', duplicateOf: null },
  { text: '和谐路东段网线垂下来了', communityId: xiaochi, lat: 36.0790, lng: 113.8150, duplicateOf: null },
  { text: '瓦窑社区广场的健身器材坏了，铁管戳出来', communityId: wayao, lat: 36.0790, lng: 113.8330, duplicateOf: null },
  { text: '西花园小区3号楼下水道堵了', communityId: xihuayuan, address: '西花园小区3号楼', duplicateOf: null },
  { text: '人民路长春路口护栏被撞倒了', communityId: xihuayuan, lat: 36.0921, lng: 113.8121, duplicateOf: null },
  { text: '太行路公交站牌倒了', communityId: taihang, lat: 36.0702, lng: 113.8003, duplicateOf: null },
];
