import { parentPort, workerData } from 'node:worker_threads';
import { MemberResolver } from '../member/resolve.js';
import { prepareFile } from './rows.js';
import {
  toIssue,
  transferables,
  type ParseWorkerData,
  type PrepareRequest,
  type PrepareResponse,
} from './parse-pool.js';

// One resolver per worker, built once from the members snapshot handed over at start.
const { people, limits, search } = workerData as ParseWorkerData;
const resolver = people ? new MemberResolver(people) : null;

parentPort?.on('message', (req: PrepareRequest) => {
  let res: PrepareResponse;
  try {
    res = {
      id: req.id,
      prepared: prepareFile(req.bytes, req.name, req.type, resolver, req.checksum, limits, search),
    };
  } catch (err) {
    res = { id: req.id, issue: toIssue(err, req.name) };
  }
  // The encoded rows are moved, not copied: the main thread only hands them to COPY.
  parentPort?.postMessage(res, 'prepared' in res ? transferables(res.prepared) : []);
});
