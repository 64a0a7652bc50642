import type { SetLimits } from "../../../worker/methods/analysis";

/** What a category or pair column asks for: the 60 most confident images per list, 10 units per list. */
export const CATEGORY_LIMITS: SetLimits = { images: 60, units: 10 };

/** The top units of an image set average the rows of its 50 most confident images. */
export const SET_UNIT_ROWS = 50;
