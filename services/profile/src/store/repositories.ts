import type { Db } from 'mongodb';
import { SpaceStore } from '../spaces/store.js';
import { BatchOutbox } from './batch-outbox.js';
import { IngestMarks } from './ingest-marks.js';
import { ProfileStore } from './profile-store.js';
import { SpaceSettingsStore } from './space-settings.js';

export interface ProfileRepositories {
  profiles: ProfileStore;
  spaces: SpaceStore;
  settings: SpaceSettingsStore;
  /** Profile's own outbox: a space's events are held per batch, not per document. */
  outbox: BatchOutbox;
  /** How far each space's ingestion is settled (ReplayGuard). */
  marks: IngestMarks;
}

/** The profile service's collections; `writer` names this writer's claims and outbox slot. */
export async function openRepositories(db: Db, { PROFILE_WRITER: writer }: { PROFILE_WRITER: string }) {
  const profiles = new ProfileStore(db, writer);
  await profiles.ensureIndexes();
  return {
    profiles,
    spaces: new SpaceStore(db),
    settings: new SpaceSettingsStore(db),
    outbox: new BatchOutbox(db, writer),
    marks: new IngestMarks(db),
  } satisfies ProfileRepositories;
}
