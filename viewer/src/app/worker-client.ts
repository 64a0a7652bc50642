/** The page's handle on the worker that owns the files. */
import DeephysWorker from "../worker/worker?worker&inline";
import { isActivityMessage, type Activity } from "../format/fetch-guard";
import type { WorkerApi } from "../worker/api";
import { connect, type Endpoint, type Remote } from "../worker/rpc";

let worker: Worker | undefined;
let remote: Remote<WorkerApi> | undefined;

export function workerApi(): Remote<WorkerApi> {
  worker ??= new DeephysWorker();
  remote ??= connect<WorkerApi>(worker as unknown as Endpoint);
  return remote;
}

/** Calls `listener` with the worker's remote transfers as they change (beside the RPC's replies); returns the remover. */
export function onActivity(listener: (activity: Activity) => void): () => void {
  workerApi();
  const handle = (event: MessageEvent) => {
    if (isActivityMessage(event.data)) listener(event.data.activity);
  };
  worker!.addEventListener("message", handle);
  return () => worker!.removeEventListener("message", handle);
}
