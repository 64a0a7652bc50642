/**
 * The views, keyed by the first segment of the URL hash (`#/<view>/<layer>/...`).
 * To add one: write `views/MyView.tsx` exporting a component that reads `useApp()`,
 * register it here with the check of its parameters (params.ts), and add it to VIEW_LINKS if it belongs in the top bar.
 */
import type { ComponentType } from "preact";
import { CategoryView } from "./category/CategoryView";
import { CompareView } from "./compare/CompareView";
import { FindingsView } from "./findings/FindingsView";
import { ImageView } from "./ImageView";
import { NeuronView } from "./NeuronView";
import { OverviewView } from "./overview/OverviewView";
import { categoryParams, compareParams, imageParams, neuronParams, noParams, overviewParams, type ParamCheck } from "./params";
import { ShiftView } from "./shift/ShiftView";

export const VIEWS: { [view: string]: ComponentType } = {
  findings: FindingsView,
  neuron: NeuronView,
  image: ImageView,
  category: CategoryView,
  overview: OverviewView,
  shift: ShiftView,
  compare: CompareView,
};

/** How each view checks the parameters of a link (params.ts). */
export const VIEW_PARAMS: { [view: string]: ParamCheck } = {
  findings: noParams,
  neuron: neuronParams,
  image: imageParams,
  category: categoryParams,
  overview: overviewParams,
  shift: noParams,
  compare: compareParams,
};

/** The landing view: why the model fails on each shift, each finding one click from the view that shows it. */
export const DEFAULT_VIEW = "findings";

export const VIEW_LINKS: { view: string; label: string }[] = [
  { view: "findings", label: "Findings" },
  { view: "overview", label: "Overview" },
  { view: "neuron", label: "Neuron" },
  { view: "category", label: "Category" },
  { view: "shift", label: "Shift scores" },
  { view: "compare", label: "Compare" },
];
