// The processes `npm start` supervises, in start order.
import path from 'node:path';
import { repoRoot } from '@stock-audit/config';
import type { ServiceSpec } from './supervisor.ts';

export const SERVICES: ServiceSpec[] = [
  { name: 'stock-api', entry: path.join(repoRoot, 'services/stock/src/main.ts') },
  {
    name: 'state-projector',
    entry: path.join(repoRoot, 'services/stock/src/state-projector-main.ts'),
  },
  { name: 'audit-projector', entry: path.join(repoRoot, 'services/audit-projector/src/main.ts') },
  { name: 'audit-api', entry: path.join(repoRoot, 'services/audit-api/src/main.ts') },
];
