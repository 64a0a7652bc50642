/** Entry of the Web Worker that owns the opened files (bundled inline as a classic worker). */
import type { ActivityMessage } from "../format/fetch-guard";
import { serve, type Endpoint } from "./rpc";
import { createService } from "./service";

// The progress of remote reads goes to the page beside the RPC's replies (worker-client.ts listens).
serve(createService(undefined, { onActivity: (activity) => self.postMessage({ activity } satisfies ActivityMessage) }), self as unknown as Endpoint);
