/** The analysis methods of the worker (category, overview, shift views), registered in service.ts with one line. */
import type { RunOf } from "./analysis-shared";
import { categoryMethods, type CategoryApi } from "./category";
import { overviewMethods, type OverviewApi } from "./overview";
import { shiftMethods, type ShiftApi } from "./shift";

export type * from "./analysis-shared";
export type * from "./category";
export type * from "./overview";
export type * from "./shift";

export type AnalysisApi = CategoryApi & OverviewApi & ShiftApi;

export function analysisMethods(runOf: RunOf): AnalysisApi {
  return { ...categoryMethods(runOf), ...overviewMethods(runOf), ...shiftMethods(runOf) };
}
