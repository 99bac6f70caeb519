import { bboxCentre, type AreaGeometry, type CaseEvent } from '@cc/domain';
import { systemAuditContext } from '../../platform/audit.js';
import { ManualClock } from '../../platform/clock.js';
import type { DB } from '../../platform/database.js';
import { createCaseCatalog } from '../cases/catalog.service.js';
import { createCasesService, type CaseActor } from '../cases/cases.service.js';
import { createRoutingIndex } from '../responsibility/routing-index.js';
import { createRoutingService } from '../responsibility/routing.service.js';

/** A demo case: where (community, offset from its centre), what, how long ago, and what happened since. */
interface DemoCase {
  community: string;
  offset: [number, number];
  category: string;
  description: string;
  address: string;
  daysAgo: number;
  events: { event: CaseEvent; note?: string; afterHours: number }[];
}

const CASES: DemoCase[] = [
  { community: '东关社区', offset: [0.0004, 0.0002], category: '0101', description: '农贸市场后门垃圾堆放，有异味', address: '东关农贸市场后门', daysAgo: 0, events: [] },
  { community: '东关社区', offset: [-0.0006, 0.0003], category: '0107', description: '小区拐角积水，蚊虫孳生', address: '东关小区 3 号楼北侧', daysAgo: 9, events: [] },
  { community: '西关社区', offset: [0.0003, -0.0004], category: '0501', description: '早餐店门口占道经营', address: '西关路 18 号', daysAgo: 1, events: [{ event: 'accept', afterHours: 2 }] },
  { community: '西关社区', offset: [-0.0002, 0.0005], category: '0201', description: '电线杆上小广告较多', address: '西关路与育才街交叉口', daysAgo: 2, events: [{ event: 'accept', afterHours: 1 }, { event: 'submit', note: '已清除', afterHours: 5 }] },
  { community: '东关社区', offset: [0.0007, -0.0005], category: '0105', description: '楼道口堆放废旧家具', address: '东关小区 1 号楼', daysAgo: 6, events: [{ event: 'accept', afterHours: 1 }, { event: 'submit', note: '已清运', afterHours: 20 }, { event: 'verify_pass', afterHours: 26 }] },
  { community: '东关社区', offset: [-0.0003, -0.0006], category: '0503', description: '人行道上非机动车乱停放', address: '东关路 56 号', daysAgo: 4, events: [{ event: 'accept', afterHours: 1 }, { event: 'submit', note: '已摆放整齐', afterHours: 3 }, { event: 'verify_fail', note: '仍有车辆压占盲道', afterHours: 6 }] },
];

/**
 * A few cases in the demo county, in several states, so the ledger, the statistics and the
 * overdue marks have something to show on first start. They go through the case service like
 * any other case (routing, deadlines, events, documents), on a clock set back in time.
 */
export async function loadDemoCases(db: DB, tenantId: number, now = new Date()): Promise<void> {
  const clock = new ManualClock(now);
  const catalog = createCaseCatalog({ db });
  const routing = createRoutingService({ db, clock, index: createRoutingIndex(db) });
  const cases = createCasesService({ db, clock, catalog, routing });
  const regions = await db.selectFrom('region').select(['name', 'geometry']).where('tenant_id', '=', tenantId).where('level', '=', 'community').execute();
  const inspector = await db.selectFrom('app_user').select(['id', 'display_name']).where('tenant_id', '=', tenantId).where('username', '=', 'inspector').executeTakeFirst();
  // The unit's side is acted by the demo staff member whose unit holds the responsible unit (the
  // nearest one above it), as the workflow's scope rule requires.
  const staff = await db.selectFrom('app_user as u').innerJoin('unit as un', (j) => j.onRef('un.tenant_id', '=', 'u.tenant_id').onRef('un.id', '=', 'u.unit_id'))
    .select(['u.id', 'u.display_name', 'un.path']).where('u.tenant_id', '=', tenantId).where('u.username', 'in', ['community', 'community2', 'street']).execute();
  const ctx = systemAuditContext(tenantId, 'demo loader');
  for (const d of CASES) {
    const region = regions.find((r) => r.name === d.community);
    if (!region?.geometry) continue;
    const [lng, lat] = bboxCentre(region.geometry as AreaGeometry);
    const start = new Date(now.getTime() - d.daysAgo * 86_400_000 - 3 * 3_600_000);
    clock.set(start);
    const id = await cases.intake(tenantId, {
      source: 'inspector', categoryCode: d.category, description: d.description, address: d.address,
      lat: lat + d.offset[1], lng: lng + d.offset[0], photos: [],
      reporter: { userId: inspector?.id ?? null, label: inspector?.display_name ?? '督查员' },
    }, ctx);
    const unitPath = (await db.selectFrom('case_record as c').innerJoin('unit as un', (j) => j.onRef('un.tenant_id', '=', 'c.tenant_id').onRef('un.id', '=', 'c.responsible_unit_id'))
      .select('un.path').where('c.tenant_id', '=', tenantId).where('c.id', '=', id).executeTakeFirst())?.path ?? '';
    const unitUser = staff.filter((u) => unitPath.startsWith(u.path)).sort((a, b) => b.path.length - a.path.length)[0];
    for (const e of d.events) {
      clock.set(new Date(start.getTime() + e.afterHours * 3_600_000));
      const who: CaseActor = ['verify_pass', 'verify_fail'].includes(e.event)
        ? { userId: inspector?.id ?? null, label: inspector?.display_name ?? '督查员', role: 'inspector' }
        : { userId: unitUser?.id ?? null, label: unitUser?.display_name ?? '责任单位', role: 'unit' };
      await db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom('case_record').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
        await cases.apply(tx, row, e.event, who, { note: e.note ?? null, deadlineAt: undefined });
      });
    }
  }
  await cases.settleDocuments();
}
