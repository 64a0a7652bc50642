import type { SetLimits } from "../../../worker/methods/analysis";

/** What a category or pair column asks for: 60 images per list, top units from the first 50, 10 units per list. */
export const CATEGORY_LIMITS: SetLimits = { images: 60, unitRows: 50, units: 10 };
