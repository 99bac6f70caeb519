import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration from the environment', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, databaseUrl: null, demo: true, adminUsername: 'admin', sessionIdleMinutes: 30 });
    expect(c.dataDir).toMatch(/data$/);
    expect(c.pgSharedBuffersMb).toBeNull();
  });

  it('reads the documented variables', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@db/x', DEMO: '0', ADMIN_USERNAME: 'root1', DATA_DIR: '/var/lib/cc', PG_SHARED_BUFFERS_MB: '1024' });
    expect(c).toMatchObject({ port: 8080, databaseUrl: 'postgres://u@db/x', demo: false, adminUsername: 'root1', dataDir: '/var/lib/cc', pgSharedBuffersMb: 1024 });
  });

  it('names every bad value in one clear message', () => {
    try {
      loadConfig({ PORT: 'eighty', DEMO: 'maybe', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', PG_SHARED_BUFFERS_MB: '2GB' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toContain('PORT="eighty" must be a whole number from 0 to 65535');
      expect(msg).toContain('DEMO="maybe"');
      expect(msg).toContain('DATABASE_URL must start with postgres://');
      expect(msg).toContain('LOG_LEVEL="loud" must be one of');
      expect(msg).toContain('PG_SHARED_BUFFERS_MB="2GB" must be a whole number from 16 to 1048576');
    }
  });
});
