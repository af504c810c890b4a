import type { Generated } from 'kysely';

/** Last stream sequence a projection has committed. */
export interface ProjectionCheckpointsTable {
  projection: string;
  last_sequence: number;
  updated_at: Generated<Date>;
}

/** Tables every service shares; each service extends this with its own. */
export interface CoreTables {
  projection_checkpoints: ProjectionCheckpointsTable;
}
