/** The page's handle on the worker that owns the files. */
import DeephysWorker from "../worker/worker?worker&inline";
import type { WorkerApi } from "../worker/api";
import { connect, type Endpoint, type Remote } from "../worker/rpc";

let remote: Remote<WorkerApi> | undefined;

export function workerApi(): Remote<WorkerApi> {
  remote ??= connect<WorkerApi>(new DeephysWorker() as unknown as Endpoint);
  return remote;
}
