/**
 * The views, keyed by the first segment of the URL hash (`#/<view>/<layer>/...`).
 * To add one: write `views/MyView.tsx` exporting a component that reads `useApp()`,
 * register it here with the check of its parameters (params.ts), and add it to VIEW_LINKS if it belongs in the top bar.
 */
import type { ComponentType } from "preact";
import { CategoryView } from "./category/CategoryView";
import { ImageView } from "./ImageView";
import { NeuronView } from "./NeuronView";
import { OverviewView } from "./overview/OverviewView";
import { categoryParams, imageParams, neuronParams, noParams, overviewParams, type ParamCheck } from "./params";
import { ShiftView } from "./shift/ShiftView";

export const VIEWS: { [view: string]: ComponentType } = {
  neuron: NeuronView,
  image: ImageView,
  category: CategoryView,
  overview: OverviewView,
  shift: ShiftView,
};

/** How each view checks the parameters of a link (params.ts). */
export const VIEW_PARAMS: { [view: string]: ParamCheck } = {
  neuron: neuronParams,
  image: imageParams,
  category: categoryParams,
  overview: overviewParams,
  shift: noParams,
};

export const DEFAULT_VIEW = "neuron";

export const VIEW_LINKS: { view: string; label: string }[] = [
  { view: "overview", label: "Overview" },
  { view: "neuron", label: "Neuron" },
  { view: "category", label: "Category" },
  { view: "shift", label: "Shift scores" },
];
