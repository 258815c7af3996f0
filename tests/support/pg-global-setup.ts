/**
 * vitest global set-up: one PostgreSQL server for the whole run (see postgres-cluster.ts). Its address, or the
 * reason none could be started, is handed to the test files through `inject('pg')`; the files that need it fail
 * with that reason (nothing is skipped).
 */
import type { TestProject } from 'vitest/node';
import { startCluster, type Cluster } from './postgres-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    pg: { adminUrl: string } | { error: string };
  }
}

let cluster: Cluster | null = null;

export async function setup(project: TestProject): Promise<void> {
  try {
    cluster = await startCluster();
    project.provide('pg', { adminUrl: cluster.adminUrl });
  } catch (e) {
    project.provide('pg', { error: (e as Error).message });
  }
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
