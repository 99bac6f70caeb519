// Data only (no imports): the browser journey of simulated assessments submits the same sheets.

/**
 * 模拟测评 sheets (unannounced, left unpublished so the office publishes them): point code, days
 * before today, rate items [item no., observed, passed] and findings [item no., criterion no., note],
 * numbered inside the point type's chapter of POINTS-CIVILIZED. Only criteria without a photo
 * requirement (the demo has no photos). DP-07 is not visited yet.
 */
export const SIMULATED: { point: string; day: number; rates?: [number, number, number][]; findings?: [number, number, string][] }[] = [
  { point: 'DP-01', day: 9, rates: [[2, 30, 26]], findings: [[6, 1, '市场入口宣传栏空置，未张贴公益广告']] },
  { point: 'DP-02', day: 9 },
  { point: 'DP-03', day: 8, findings: [[5, 1, '小区宣传栏为空，无核心价值观宣传']] },
  { point: 'DP-04', day: 8 },
  { point: 'DP-05', day: 7, findings: [[5, 1, '巷内无公益广告']] },
  { point: 'DP-06', day: 7, findings: [[3, 1, '门诊大厅候诊无人引导，挂号窗口拥挤']] },
  { point: 'DP-08', day: 6, findings: [[1, 1, '柜员答复咨询态度生硬'], [4, 1, '网点电子屏未播放公益广告']] },
  { point: 'DP-09', day: 6 },
  { point: 'DP-10', day: 5, findings: [[5, 1, '店内无公益广告']] },
  { point: 'DP-11', day: 5, rates: [[2, 20, 11]], findings: [[5, 1, '候车厅无公益广告']] },
  { point: 'DP-12', day: 4 },
  { point: 'DP-13', day: 4, rates: [[2, 24, 7]], findings: [[3, 3, '东侧候车亭广告位空置，无公益广告']] },
];
