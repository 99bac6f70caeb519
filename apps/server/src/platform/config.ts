import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SESSION_IDLE_MINUTES } from '@cc/domain';

/** Runtime configuration, read once from the environment and validated. */
export interface Config {
  port: number;
  host: string;
  /** External PostgreSQL; when absent the embedded engine is started under `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  /** Start with the demo county and demo accounts (DEMO=1, the default). */
  demo: boolean;
  adminUsername: string;
  adminPassword: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Serve cookies with `Secure` (behind HTTPS). `auto` = when the request came over HTTPS. */
  secureCookies: 'auto' | 'always' | 'never';
  trustProxy: boolean;
  bodyLimitBytes: number;
  /** Where the built web app lives; served at `/` when present. */
  webDist: string | null;
  /** Map tile URL template for the web client (intranets point this at their own tile server); empty = no basemap. */
  tileUrl: string;
  /** Coordinate system of the tiles: Chinese tile servers (AutoNavi, Tencent) draw in GCJ-02. */
  tileCrs: 'wgs84' | 'gcj02';
  sessionIdleMinutes: number;
  pgPoolSize: number;
  /** shared_buffers of the embedded PostgreSQL in MB; null = a quarter of the machine's memory, 128 MB to 2 GB. */
  pgSharedBuffersMb: number | null;
  /** Login attempts one client address may make per minute. */
  loginRateLimit: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}="${raw}" must be a whole number from ${min} to ${max}`);
      return def;
    }
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    problems.push(`${name}="${raw}" must be 1/0, true/false, yes/no or on/off`);
    return def;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], def: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name}="${raw}" must be one of: ${allowed.join(', ')}`);
    return def;
  };

  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(`DATABASE_URL must start with postgres:// or postgresql:// (got "${databaseUrl.slice(0, 20)}…")`);
  }
  const adminPassword = env.ADMIN_PASSWORD || null;
  const adminUsername = env.ADMIN_USERNAME?.trim() || 'admin';
  if (!/^[A-Za-z0-9_.-]{2,64}$/.test(adminUsername)) {
    problems.push(`ADMIN_USERNAME="${adminUsername}" may hold 2–64 letters, digits, dot, dash or underscore`);
  }
  const webDistDefault = path.join(repoRoot, 'apps', 'web', 'dist');

  const config: Config = {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(repoRoot, env.DATA_DIR?.trim() || 'data'),
    demo: bool('DEMO', true),
    adminUsername,
    adminPassword,
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    secureCookies: oneOf('SECURE_COOKIES', ['auto', 'always', 'never'] as const, 'auto'),
    trustProxy: bool('TRUST_PROXY', false),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    webDist: env.WEB_DIST === '' ? null : path.resolve(repoRoot, env.WEB_DIST ?? webDistDefault),
    tileUrl: env.TILE_URL?.trim() ?? '',
    tileCrs: oneOf('TILE_CRS', ['wgs84', 'gcj02'] as const, 'wgs84'),
    sessionIdleMinutes: int('SESSION_IDLE_MINUTES', SESSION_IDLE_MINUTES, 1, 24 * 60),
    pgPoolSize: int('PG_POOL_SIZE', 10, 1, 200),
    pgSharedBuffersMb: env.PG_SHARED_BUFFERS_MB ? int('PG_SHARED_BUFFERS_MB', 128, 16, 1_048_576) : null,
    loginRateLimit: int('LOGIN_RATE_LIMIT', 30, 1, 100_000),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/**
 * The repository root: the first directory above this module whose package.json is the root one
 * ("name": "chuangcheng"). Found by walking up, so it holds both for the sources
 * (apps/server/src/platform/config.ts) and for the bundle (apps/server/dist/server/main.mjs).
 */
export const repoRoot: string = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'chuangcheng') return dir;
    } catch {
      // No package.json here (or not JSON): keep going up.
    }
    if (path.dirname(dir) === dir) throw new Error(`Could not find the chuangcheng repository root above ${from}`);
  }
}
