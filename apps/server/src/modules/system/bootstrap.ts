import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../platform/config.js';
import type { DB } from '../../platform/database.js';
import { recordAudit, systemAuditContext } from '../../platform/audit.js';
import { hashPassword } from '../../platform/passwords.js';
import { hasAnyTenant, loadDemoCity } from '../demo/load-demo-city.js';
import { loadDemoCases } from '../demo/demo-cases.js';
import { loadDemoInspectionSheets } from '../demo/demo-inspections.js';
import { insertUnit } from '../units/units.repository.js';
import { roleIds, setUserRoles } from '../users/users.repository.js';
import { generatePassword } from '../users/users.service.js';
import { assertPasswordPolicy } from '../auth/auth.service.js';
import { createTenant } from './tenants.js';

/**
 * First start on an empty database: the demo county (DEMO=1, default), or an empty city with one
 * administrator whose password comes from ADMIN_PASSWORD or is generated and printed once.
 */
export async function bootstrap(db: DB, config: Pick<Config, 'demo' | 'adminUsername' | 'adminPassword'>, log: FastifyBaseLogger): Promise<void> {
  if (await hasAnyTenant(db)) return;
  if (config.demo) {
    const tenantId = await loadDemoCity(db);
    await loadDemoCases(db, tenantId);
    await loadDemoInspectionSheets(db, tenantId);
    log.info('Loaded the demo county 青岚县; the demo accounts are listed on the login page.');
    return;
  }
  const password = config.adminPassword ?? generatePassword();
  if (config.adminPassword) assertPasswordPolicy(config.adminPassword, 'ADMIN_PASSWORD');
  const hash = await hashPassword(password);
  await db.transaction().execute(async (tx) => {
    const tenantId = await createTenant(tx, { code: 'city', name: '本市', isDemo: false });
    const unitId = await insertUnit(tx, tenantId, { parentId: null, parentPath: null, kind: 'campaign_office', code: 'CJB', name: '创建办', regionId: null });
    const { id } = await tx.insertInto('app_user').values({
      tenant_id: tenantId, username: config.adminUsername, display_name: '系统管理员', password_hash: hash, unit_id: unitId,
      must_change_password: !config.adminPassword, updated_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow();
    const roles = await roleIds(tx, tenantId, ['system_admin']);
    await setUserRoles(tx, tenantId, id, [...roles.values()]);
    await recordAudit(tx, systemAuditContext(tenantId, 'bootstrap'), { action: 'user.created', entityType: 'user', entityId: id, after: { username: config.adminUsername } });
  });
  if (!config.adminPassword) {
    // Printed once, on purpose, to the console (not the structured log): it is not stored anywhere else.
    process.stdout.write(`\n  Administrator "${config.adminUsername}" created with the one-time password: ${password}\n  (change it at first login)\n\n`);
  } else {
    log.info(`Administrator "${config.adminUsername}" created with the password from ADMIN_PASSWORD.`);
  }
}
