/**
 * The demo city: a fictional county (青岚县) in the style of the users' own work summaries
 * (县创建办, 城关镇, a street office with 十里河/周家山/飨堂 communities, departments, resident units,
 * 五小行业 shops, volunteer teams). Everything here is made up: place names are generic, person names
 * are invented, and the mobile numbers are fake.
 *
 * Region codes follow the GB/T 30428 grid code form: 6-digit division + 3-digit street/township
 * (001–099 streets, 100–199 towns) + 3-digit community + 3-digit grid. A street uses the 9-digit
 * prefix, a community the 12-digit prefix, a grid all 15 digits.
 *
 * Pure data: no runtime code. The loader walks `regions`, then creates `units` in array order
 * (every parent precedes its children), then `users`.
 */

export interface DemoRegion {
  code: string;
  name: string;
  level: 'county' | 'street' | 'community' | 'grid';
  /** 常住人口; a street's and the county's are their communities' sum. */
  population?: number;
  children?: DemoRegion[];
}

export interface DemoUnit {
  code: string;
  name: string;
  kind:
    | 'campaign_office'
    | 'street_office'
    | 'community'
    | 'department'
    | 'resident_unit'
    | 'school'
    | 'hospital'
    | 'enterprise'
    | 'merchant'
    | 'volunteer_team'
    | 'other';
  parentCode: string | null;
  regionCode: string | null;
  address?: string;
  contactName?: string;
  contactPhone?: string;
}

export interface DemoUser {
  username: string;
  displayName: string;
  mobile?: string;
  unitCode: string;
  role: 'system_admin' | 'campaign_office' | 'leader' | 'inspector' | 'unit_staff' | 'grid_worker' | 'volunteer';
}

export interface DemoCity {
  tenant: { code: string; name: string };
  regions: DemoRegion;
  units: DemoUnit[];
  users: DemoUser[];
  demoPassword: string;
}

export const DEMO_CITY: DemoCity = {
  tenant: { code: 'qinglan', name: '青岚县' },

  regions: {
    code: '419901',
    name: '青岚县',
    level: 'county',
    children: [
      {
        code: '419901100',
        name: '城关镇',
        level: 'street',
        children: [
          {
            code: '419901100001',
            name: '东关社区',
            level: 'community',
            population: 8640,
            children: [
              { code: '419901100001001', name: '东关社区第一网格', level: 'grid' },
              { code: '419901100001002', name: '东关社区第二网格', level: 'grid' },
              { code: '419901100001003', name: '东关社区第三网格', level: 'grid' },
            ],
          },
          {
            code: '419901100002',
            name: '西关社区',
            level: 'community',
            population: 7315,
            children: [
              { code: '419901100002001', name: '西关社区第一网格', level: 'grid' },
              { code: '419901100002002', name: '西关社区第二网格', level: 'grid' },
              { code: '419901100002003', name: '西关社区第三网格', level: 'grid' },
            ],
          },
          {
            code: '419901100003',
            name: '南街社区',
            level: 'community',
            population: 5920,
            children: [
              { code: '419901100003001', name: '南街社区第一网格', level: 'grid' },
              { code: '419901100003002', name: '南街社区第二网格', level: 'grid' },
            ],
          },
          {
            code: '419901100004',
            name: '北街社区',
            level: 'community',
            population: 6480,
            children: [
              { code: '419901100004001', name: '北街社区第一网格', level: 'grid' },
              { code: '419901100004002', name: '北街社区第二网格', level: 'grid' },
            ],
          },
        ],
      },
      {
        code: '419901001',
        name: '凤凰山街道',
        level: 'street',
        children: [
          {
            code: '419901001001',
            name: '十里河社区',
            level: 'community',
            population: 11260,
            children: [
              { code: '419901001001001', name: '十里河社区第一网格', level: 'grid' },
              { code: '419901001001002', name: '十里河社区第二网格', level: 'grid' },
              { code: '419901001001003', name: '十里河社区第三网格', level: 'grid' },
              { code: '419901001001004', name: '十里河社区第四网格', level: 'grid' },
            ],
          },
          {
            code: '419901001002',
            name: '周家山社区',
            level: 'community',
            population: 4870,
            children: [
              { code: '419901001002001', name: '周家山社区第一网格', level: 'grid' },
              { code: '419901001002002', name: '周家山社区第二网格', level: 'grid' },
              { code: '419901001002003', name: '周家山社区第三网格', level: 'grid' },
            ],
          },
          {
            code: '419901001003',
            name: '飨堂社区',
            level: 'community',
            population: 6105,
            children: [
              { code: '419901001003001', name: '飨堂社区第一网格', level: 'grid' },
              { code: '419901001003002', name: '飨堂社区第二网格', level: 'grid' },
            ],
          },
        ],
      },
    ],
  },

  units: [
    // 县创建办 — the campaign office at the root.
    { code: 'CJB', name: '青岚县创建办', kind: 'campaign_office', parentCode: null, regionCode: '419901', address: '人民路88号县行政中心3号楼301室', contactName: '周海涛', contactPhone: '13837601288' },

    // 县直部门 (局委) — share the load, hold road segments, pair with communities.
    { code: 'D-WMB', name: '县文明办', kind: 'department', parentCode: null, regionCode: '419901', address: '人民路88号县行政中心2号楼205室', contactName: '林晓燕', contactPhone: '13937602516' },
    { code: 'D-ZJJ', name: '县住建局', kind: 'department', parentCode: null, regionCode: '419901', address: '建设路36号', contactName: '马建军', contactPhone: '15037603347' },
    { code: 'D-CGJ', name: '县城管局', kind: 'department', parentCode: null, regionCode: '419901', address: '解放大道120号', contactName: '郭振华', contactPhone: '18637604421' },
    { code: 'D-WJW', name: '县卫健委', kind: 'department', parentCode: null, regionCode: '419901', address: '文化路17号', contactName: '黄丽萍', contactPhone: '13503765590' },
    { code: 'D-SCJG', name: '县市场监管局', kind: 'department', parentCode: null, regionCode: '419901', address: '建设路58号', contactName: '吴国庆', contactPhone: '15137606632' },
    { code: 'D-JYJ', name: '县教育局', kind: 'department', parentCode: null, regionCode: '419901', address: '文化路45号', contactName: '徐文静', contactPhone: '18937607718' },
    { code: 'D-STHJ', name: '县生态环境局', kind: 'department', parentCode: null, regionCode: '419901', address: '凤凰大道9号', contactName: '朱宏伟', contactPhone: '13737608854' },
    { code: 'D-JTYS', name: '县交通运输局', kind: 'department', parentCode: null, regionCode: '419901', address: '解放大道266号', contactName: '胡永强', contactPhone: '15837609903' },

    // 乡镇 / 街道办事处
    { code: 'S-CGZ', name: '城关镇人民政府', kind: 'street_office', parentCode: null, regionCode: '419901100', address: '东关大街1号', contactName: '高志远', contactPhone: '13837611025' },
    { code: 'S-FHS', name: '凤凰山街道办事处', kind: 'street_office', parentCode: null, regionCode: '419901001', address: '凤凰大道158号', contactName: '罗明亮', contactPhone: '18837612146' },

    // 社区居委会
    { code: 'C-DG', name: '东关社区居委会', kind: 'community', parentCode: 'S-CGZ', regionCode: '419901100001', address: '东关大街66号', contactName: '韩桂芳', contactPhone: '15237613268' },
    { code: 'C-XG', name: '西关社区居委会', kind: 'community', parentCode: 'S-CGZ', regionCode: '419901100002', address: '西关街28号', contactName: '冯玉梅', contactPhone: '13637614379' },
    { code: 'C-NJ', name: '南街社区居委会', kind: 'community', parentCode: 'S-CGZ', regionCode: '419901100003', address: '南大街102号', contactName: '曹德胜', contactPhone: '15937615481' },
    { code: 'C-BJ', name: '北街社区居委会', kind: 'community', parentCode: 'S-CGZ', regionCode: '419901100004', address: '北大街39号', contactName: '彭淑琴', contactPhone: '18237616592' },
    { code: 'C-SLH', name: '十里河社区居委会', kind: 'community', parentCode: 'S-FHS', regionCode: '419901001001', address: '十里河路18号', contactName: '蒋红霞', contactPhone: '13937617604' },
    { code: 'C-ZJS', name: '周家山社区居委会', kind: 'community', parentCode: 'S-FHS', regionCode: '419901001002', address: '周家山路安居胡同2号', contactName: '沈建平', contactPhone: '15637618715' },
    { code: 'C-XT', name: '飨堂社区居委会', kind: 'community', parentCode: 'S-FHS', regionCode: '419901001003', address: '晨光路21号', contactName: '谢丽君', contactPhone: '18737619826' },

    // 学校
    { code: 'SCH-01', name: '城关镇第一小学', kind: 'school', parentCode: 'C-DG', regionCode: '419901100001', address: '东关大街120号', contactName: '宋晓东', contactPhone: '13837620937' },
    { code: 'SCH-02', name: '青岚县第二初级中学', kind: 'school', parentCode: 'C-NJ', regionCode: '419901100003', address: '南大街210号', contactName: '唐文博', contactPhone: '15037621048' },
    { code: 'SCH-03', name: '凤凰山街道十里河小学', kind: 'school', parentCode: 'C-SLH', regionCode: '419901001001', address: '十里河路77号', contactName: '许艳红', contactPhone: '18637622159' },

    // 医院
    { code: 'H-01', name: '县人民医院', kind: 'hospital', parentCode: 'C-XG', regionCode: '419901100002', address: '解放大道300号', contactName: '邓卫国', contactPhone: '13503763260' },
    { code: 'H-02', name: '城关镇卫生院', kind: 'hospital', parentCode: 'C-BJ', regionCode: '419901100004', address: '北大街88号', contactName: '程雅琴', contactPhone: '15137624371' },

    // 企业
    { code: 'E-01', name: '青岚县自来水有限公司', kind: 'enterprise', parentCode: 'C-SLH', regionCode: '419901001001', address: '十里河路156号', contactName: '袁志勇', contactPhone: '18937625482' },
    { code: 'E-02', name: '青岚宏达纺织有限公司', kind: 'enterprise', parentCode: 'C-ZJS', regionCode: '419901001002', address: '周家山路208号', contactName: '潘海峰', contactPhone: '13737626593' },
    { code: 'E-03', name: '青岚金穗面业有限公司', kind: 'enterprise', parentCode: 'C-XT', regionCode: '419901001003', address: '晨光路135号', contactName: '董金生', contactPhone: '15837627604' },

    // 辖区单位 (驻社区单位)
    { code: 'R-01', name: '县邮政分公司营业部', kind: 'resident_unit', parentCode: 'C-DG', regionCode: '419901100001', address: '人民路20号', contactName: '于慧敏', contactPhone: '13837628715' },
    { code: 'R-02', name: '青岚农商银行城关支行', kind: 'resident_unit', parentCode: 'C-NJ', regionCode: '419901100003', address: '南大街15号', contactName: '蔡振宇', contactPhone: '18837629826' },
    { code: 'R-03', name: '青岚县汽车客运站', kind: 'resident_unit', parentCode: 'C-ZJS', regionCode: '419901001002', address: '凤凰大道320号', contactName: '田光明', contactPhone: '15237630937' },

    // 沿街商户 (incl. 五小行业: 小餐饮, 美发, 浴池, 小旅馆, 网吧, KTV) — region = the grid the shop sits in.
    { code: 'M-001', name: '老王烩面馆', kind: 'merchant', parentCode: 'C-DG', regionCode: '419901100001001', address: '人民路12号', contactName: '王德福', contactPhone: '13637631048' },
    { code: 'M-002', name: '悦家超市', kind: 'merchant', parentCode: 'C-DG', regionCode: '419901100001002', address: '人民路45号', contactName: '贾玉霞', contactPhone: '15937632159' },
    { code: 'M-003', name: '靓丽美发', kind: 'merchant', parentCode: 'C-DG', regionCode: '419901100001003', address: '东关大街8号', contactName: '段丽丽', contactPhone: '18237633260' },
    { code: 'M-004', name: '李记胡辣汤', kind: 'merchant', parentCode: 'C-XG', regionCode: '419901100002001', address: '解放大道106号', contactName: '李长顺', contactPhone: '13937634371' },
    { code: 'M-005', name: '平安旅社', kind: 'merchant', parentCode: 'C-XG', regionCode: '419901100002002', address: '解放大道88号', contactName: '任宝山', contactPhone: '15637635482' },
    { code: 'M-006', name: '星空网吧', kind: 'merchant', parentCode: 'C-NJ', regionCode: '419901100003001', address: '南大街23号', contactName: '姜磊', contactPhone: '18737636593' },
    { code: 'M-007', name: '清泉浴池', kind: 'merchant', parentCode: 'C-NJ', regionCode: '419901100003002', address: '南大街57号', contactName: '范永泉', contactPhone: '13837637604' },
    { code: 'M-008', name: '福满楼饭店', kind: 'merchant', parentCode: 'C-BJ', regionCode: '419901100004001', address: '北大街16号', contactName: '石福林', contactPhone: '15037638715' },
    { code: 'M-009', name: '鑫鑫水果店', kind: 'merchant', parentCode: 'C-SLH', regionCode: '419901001001002', address: '十里河路32号', contactName: '廖鑫', contactPhone: '18637639826' },
    { code: 'M-010', name: '欢乐颂KTV', kind: 'merchant', parentCode: 'C-SLH', regionCode: '419901001001003', address: '凤凰大道201号', contactName: '邹晓欢', contactPhone: '13503764937' },
    { code: 'M-011', name: '益民早餐店', kind: 'merchant', parentCode: 'C-ZJS', regionCode: '419901001002001', address: '周家山路9号', contactName: '熊国民', contactPhone: '15137641048' },
    { code: 'M-012', name: '百姓便民药房', kind: 'merchant', parentCode: 'C-XT', regionCode: '419901001003001', address: '晨光路66号', contactName: '金百川', contactPhone: '18937642159' },

    // 志愿服务队
    { code: 'V-01', name: '东关社区志愿服务队', kind: 'volunteer_team', parentCode: 'C-DG', regionCode: '419901100001', address: '东关大街66号社区服务中心', contactName: '孟雪莲', contactPhone: '13737643260' },
    { code: 'V-02', name: '十里河社区红马甲志愿服务队', kind: 'volunteer_team', parentCode: 'C-SLH', regionCode: '419901001001', address: '十里河路18号社区服务中心', contactName: '秦红军', contactPhone: '15837644371' },
  ],

  // One account per role. `community` and `community2` sit in neighbouring communities of 城关镇,
  // so tests can prove a community does not see its neighbour's data; `street` sees both.
  users: [
    { username: 'admin', displayName: '赵志刚', mobile: '13837650001', unitCode: 'CJB', role: 'system_admin' },
    { username: 'office', displayName: '刘海燕', mobile: '13937650002', unitCode: 'CJB', role: 'campaign_office' },
    { username: 'leader', displayName: '张卫东', mobile: '15037650003', unitCode: 'CJB', role: 'leader' },
    { username: 'inspector', displayName: '陈立新', mobile: '18637650004', unitCode: 'CJB', role: 'inspector' },
    { username: 'street', displayName: '杨晓峰', mobile: '13637650005', unitCode: 'S-CGZ', role: 'unit_staff' },
    { username: 'community', displayName: '王秀兰', mobile: '15937650006', unitCode: 'C-DG', role: 'unit_staff' },
    { username: 'community2', displayName: '李春梅', mobile: '18237650007', unitCode: 'C-XG', role: 'unit_staff' },
    { username: 'grid', displayName: '孙丽娜', mobile: '13737650008', unitCode: 'C-DG', role: 'grid_worker' },
    { username: 'volunteer', displayName: '何雨桐', mobile: '15837650009', unitCode: 'V-01', role: 'volunteer' },
  ],

  demoPassword: 'Demo@2026',
};
