/**
 * `ingest`: write one fetched file into the store (ingestFile: one transaction, idempotent
 * per file, then `file-ingested`, whose subscribers index and tag), then announce its new
 * and changed speeches and finish the file.
 *
 * Order matters for crashes. ingestBytes commits first; a worker dying after that but
 * before `finish` leaves the job to be retried, and the retry finds the file already
 * stored ('unchanged', no changed gids). Because feed_versions does not yet record these
 * bytes, the retry knows the announcement may never have gone out and re-announces all of
 * the file's speeches (replay). The announcement is queued before `finish`, so once the
 * file is finished it has been announced.
 */
import { feedFileName, feedTypeOfFolder } from '../../parliament/index.js';
import { ingestFile, type IngestOneResult } from '../../ingest/ingest-one.js';
import type { PipelineDeps } from '../context.js';
import type { VersionStatus } from '../fetch-repository.js';
import { jobIds, type IngestJob, type SpeechesJob } from '../jobs.js';
import { PermanentJobError, type JobContext } from '../queue.js';

export interface IngestOutcome {
  status: IngestOneResult['status'] | 'done-already';
  speeches: number;
  announced: number;
  replay: boolean;
}

export async function runIngestStage(deps: PipelineDeps, job: JobContext<IngestJob>): Promise<IngestOutcome> {
  const { type, name, checksum } = job.data;
  const bytes = await deps.fetches.blob(checksum);
  if (!bytes) {
    if (await deps.fetches.finished(type, name, checksum))
      return { status: 'done-already', speeches: 0, announced: 0, replay: false };
    throw new PermanentJobError(
      `bytes ${checksum.slice(0, 12)} of ${name} are no longer held; the next listing of the file fetches it again`,
    );
  }
  const resolver = await deps.resolvers.current();
  job.log.info({ type, file: name, bytes: bytes.byteLength, attempt: job.attempt }, 'ingest start');
  // Returns once `file-ingested`'s subscribers (search index, tagging) are done: tags exist
  // before the speeches are announced, because alerts match on them.
  const result = await ingestFile(
    deps.db,
    deps.events,
    { name: feedFileName(type, name), type: feedTypeOfFolder(type), bytes },
    resolver,
    { log: job.log, signal: job.signal },
    deps.settings.parseLimits,
  );
  const announcement = await announcementFor(deps, job.data, result);
  if (announcement.gids.length > 0) {
    const data: SpeechesJob = {
      type,
      name,
      checksum,
      changedSpeechGids: announcement.gids,
      replay: announcement.replay,
    };
    await deps.queue.add([{ stage: 'speeches-ingested', id: jobIds.speeches(data), data }]);
  }
  const validators = {
    type,
    name,
    version: job.data.version,
    checksum,
    etag: job.data.etag,
    lastModified: job.data.lastModified,
  };
  if (result.status === 'unchanged') await deps.fetches.finishUnchanged(validators);
  else await deps.fetches.finish({ ...validators, status: result.status satisfies VersionStatus });
  job.log.info(
    {
      type,
      file: name,
      status: result.status,
      speeches: result.speeches,
      changed: announcement.gids.length,
      replay: announcement.replay,
    },
    'ingest done',
  );
  return {
    status: result.status,
    speeches: result.speeches,
    announced: announcement.gids.length,
    replay: announcement.replay,
  };
}

async function announcementFor(
  deps: PipelineDeps,
  data: IngestJob,
  result: IngestOneResult,
): Promise<{ gids: string[]; replay: boolean }> {
  if (result.status !== 'unchanged') return { gids: result.changedSpeechGids, replay: false };
  if (await deps.fetches.finished(data.type, data.name, data.checksum)) return { gids: [], replay: false };
  // The stored name: a Senedd file's carries its language folder.
  return { gids: await deps.sittings.speechGidsOfCurrentFile(result.file.name), replay: true };
}
