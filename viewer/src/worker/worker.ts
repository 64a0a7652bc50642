/** Entry of the Web Worker that owns the opened files (bundled inline as a classic worker). */
import { serve, type Endpoint } from "./rpc";
import { createService } from "./service";

serve(createService(), self as unknown as Endpoint);
