/** Says how the neuron view's activations are scaled. */
import type { Column } from "../../columns";
import { formatNumber, normalized } from "../../format-number";

export function NormalizationNote({ normalizer, reference, unreadable = false }: { normalizer: Column | null; reference: number | null; unreadable?: boolean }) {
  let text: string;
  if (!normalizer) text = "Raw activations.";
  else if (unreadable) text = `${normalizer.id} could not be read for this unit: raw activations shown.`;
  else if (reference === null) text = `${normalizer.id} has no such unit: raw activations shown.`;
  else if (normalized(1, reference) === null) text = `This unit never fires in ${normalizer.id}: raw activations shown.`;
  else text = `Activations as % of this unit's maximum in ${normalizer.id} (${formatNumber(reference)}).`;
  return (
    <p class="note" data-testid="normalization-note">
      {text}
    </p>
  );
}
