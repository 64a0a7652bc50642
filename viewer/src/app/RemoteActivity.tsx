/**
 * The progress of files read over the network: on the open screen while a file opens (a whole-file
 * download from a server without Range support with its share), and in a corner of the page while
 * a view waits for remote reads (shown only when they take a moment: small reads pass unseen).
 */
import { useEffect, useState } from "preact/hooks";
import type { Activity } from "../format/fetch-guard";
import { useDelayedFlag } from "./use-delayed";
import { onActivity } from "./worker-client";
import "./remote.css";

const IDLE: Activity = { inFlight: [], requests: 0, bytes: 0 };

export function useActivity(): Activity {
  const [activity, setActivity] = useState<Activity>(IDLE);
  useEffect(() => onActivity(setActivity), []);
  return activity;
}

function size(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${(bytes / 1e6).toFixed(bytes < 1e8 ? 1 : 0)} MB`;
}

/** One line saying what is read, and a progress bar when its total is known. */
function Progress({ activity }: { activity: Activity }) {
  const whole = activity.inFlight.find((t) => t.whole);
  const transfers = whole ? [whole] : activity.inFlight;
  const received = transfers.reduce((s, t) => s + t.received, 0);
  const known = transfers.every((t) => t.total !== null);
  const total = known ? transfers.reduce((s, t) => s + (t.total ?? 0), 0) : null;
  const names = [...new Set(transfers.map((t) => t.name))].join(", ");
  const host = new Set(transfers.map((t) => new URL(t.url).host));
  const text = whole
    ? `Downloading all of ${names} (its server does not answer range requests): ${size(received)}${total !== null ? ` of ${size(total)}` : ""}`
    : `Reading ${names} from ${[...host].join(", ")}: ${size(received)}${total !== null ? ` of ${size(total)}` : ""}`;
  return (
    <>
      <span class="transfer-text">{text}</span>
      {total !== null && total > 0 && <progress class="transfer-bar" value={received} max={total} />}
    </>
  );
}

/** For the open screen: what the files being opened are reading now. */
export function OpeningProgress() {
  const activity = useActivity();
  if (activity.inFlight.length === 0) return null;
  return (
    <p class="transfer" data-testid="transfer-progress" role="status" aria-live="polite">
      <Progress activity={activity} />
    </p>
  );
}

/** Once files are open: a corner note while remote reads take more than a moment. */
export function RemoteActivity() {
  const activity = useActivity();
  const waiting = useDelayedFlag(activity.inFlight.length > 0, 300);
  if (!waiting) return null;
  return (
    <div class="transfer transfer-corner" data-testid="remote-activity" role="status">
      <Progress activity={activity} />
    </div>
  );
}
