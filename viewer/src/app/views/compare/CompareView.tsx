/**
 * The comparison of two models recorded on the same images, `#/compare/<layer of A>/<layer of B>?lead=<A's
 * dataset>&vs=<B's dataset>` (the URL holds both): the datasets both hold and their accuracy side by
 * side, then for a layer pair each unit of A's best match in B with its correlation over the reference
 * images (computed in the worker, streaming both files' activations; or taken from the output of
 * `deephys compare A B --format json` when given, one-to-one matching included), each linking to the
 * unit's neuron view, where its match shows beside it.
 */
import "../analysis.css";
import "./compare.css";
import { useEffect, useState } from "preact/hooks";
import type { LayerInfo } from "../../../format/info";
import type { AccuracyResult } from "../../../worker/methods/analysis";
import { layerIndex, type Column } from "../../columns";
import { useApp } from "../../context";
import { hrefOf } from "../../links";
import { useLatestAsync } from "../../use-latest";
import { LatestView, ProblemText } from "../common/AsyncView";
import { comparisonOf, pairedLayer, vsColumn, type Comparison } from "./pairing";
import { PythonMatchingInput } from "./PythonMatchingInput";
import { MatchTable } from "./MatchTable";
import { layerPairOf, usePythonMatching } from "./python-matching";
import { percent } from "../findings/text";

export function CompareView() {
  const { groups, group, route, go } = useApp();
  const vs = vsColumn(groups, route);
  const cmp = comparisonOf(groups, group, vs);
  // The URL names B's dataset: the reference, when there is one.
  const bDefault = cmp ? (cmp.reference?.[1] ?? cmp.pairs[0]?.[1] ?? cmp.b.columns[0]) : null;
  useEffect(() => {
    if (bDefault && (!vs || vs.model !== cmp!.b.key)) go({ vs: bDefault.id }, true);
  });
  return (
    <main class="view compare-view" data-testid="compare-view">
      <div class="view-header">
        <h1>Comparison</h1>
        {cmp ? (
          <Models cmp={cmp} />
        ) : (
          <p class="status" data-testid="compare-missing">
            A comparison needs a second file, of another model recorded on the same datasets: open one (the file picker under Datasets, or with this one), e.g. the
            files of <code>deephys demo --compare</code>.
          </p>
        )}
      </div>
      {cmp && <CompareBody cmp={cmp} />}
    </main>
  );
}

function Models({ cmp }: { cmp: Comparison }) {
  const { groups, group, go } = useApp();
  const others = groups.filter((g) => g !== group);
  const files = (c: Comparison["a"]) => c.files.map((f) => f.info.name).join(", ");
  return (
    <p class="compare-models">
      <span class="model-tag">A</span> <strong>{cmp.a.name}</strong> ({files(cmp.a)}) <span class="vs">vs</span> <span class="model-tag">B</span>{" "}
      {others.length > 1 ? (
        <select data-testid="compare-b" value={cmp.b.key} onChange={(e) => go({ vs: groups.find((g) => g.key === e.currentTarget.value)!.columns[0].id })}>
          {others.map((g) => (
            <option key={g.key} value={g.key}>
              {g.name} ({files(g)})
            </option>
          ))}
        </select>
      ) : (
        <>
          <strong>{cmp.b.name}</strong> ({files(cmp.b)})
        </>
      )}
    </p>
  );
}

function CompareBody({ cmp }: { cmp: Comparison }) {
  if (cmp.pairs.length === 0) {
    return (
      <p class="error-text" data-testid="compare-no-pairs">
        The two files hold no dataset of the same name and number of images: compare files recorded on the same datasets.
      </p>
    );
  }
  return (
    <>
      <Pairing cmp={cmp} />
      <AccuracyPanel cmp={cmp} />
      {cmp.reference ? (
        <MatchingPanel cmp={cmp} reference={cmp.reference} />
      ) : (
        <p class="status" data-testid="compare-no-reference">
          No dataset is ID in both files: units are matched on the images of an ID dataset both hold.
        </p>
      )}
    </>
  );
}

function Pairing({ cmp }: { cmp: Comparison }) {
  const { api } = useApp();
  const ref = cmp.reference;
  const check = useLatestAsync(
    () => (ref ? api.pairCheck({ fileId: ref[0].fileId, dataset: ref[0].dataset }, { fileId: ref[1].fileId, dataset: ref[1].dataset }) : Promise.resolve(null)),
    [api, ref?.[0].key, ref?.[1].key],
  );
  const names = (cs: Column[]) => cs.map((c) => c.info.name).join(", ");
  const c = check.value;
  return (
    <div class="note compare-pairing" data-testid="compare-pairing">
      <p>
        Both hold {cmp.pairs.length} dataset{cmp.pairs.length === 1 ? "" : "s"} (the same names and numbers of images)
        {ref && (
          <>
            ; units are matched on the images of <span class="dataset-name">{ref[0].info.name}</span> ({ref[0].info.images.toLocaleString()} images)
          </>
        )}
        .{cmp.onlyA.length > 0 && ` Only in A: ${names(cmp.onlyA)}.`}
        {cmp.onlyB.length > 0 && ` Only in B: ${names(cmp.onlyB)}.`}
      </p>
      {c && c.differ > 0 && ref && (
        <p class="error-text" role="alert" data-testid="compare-images-differ">
          The images differ: image {c.first} of {ref[0].info.name} is of another class in B than in A ({c.differ.toLocaleString()} images differ): are they the same
          images in the same order?
        </p>
      )}
      {check.failed && <ProblemText error={check.error} />}
    </div>
  );
}

function AccuracyPanel({ cmp }: { cmp: Comparison }) {
  const { api, route } = useApp();
  const key = cmp.pairs.map(([a, b]) => `${a.key}/${b.key}`).join("\n");
  const state = useLatestAsync(
    () => Promise.all(cmp.pairs.map(([a, b]) => Promise.all([api.accuracy({ fileId: a.fileId, dataset: a.dataset }), api.accuracy({ fileId: b.fileId, dataset: b.dataset })]))),
    [api, key],
  );
  const overview = (c: Column, vs: Column) => hrefOf(route, { view: "overview", layer: "", params: [], lead: c.id, show: [], vs: vs.id });
  return (
    <section class="panel" data-testid="compare-accuracy">
      <h2>Accuracy</h2>
      <LatestView state={state}>
        {(rows: [AccuracyResult, AccuracyResult][]) => (
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">Dataset</th>
                <th scope="col" class="num">
                  A
                </th>
                <th scope="col" class="num">
                  B
                </th>
                <th scope="col" class="num">
                  Change
                </th>
              </tr>
            </thead>
            <tbody>
              {cmp.pairs.map(([a, b], i) => {
                const [x, y] = rows[i];
                const change = y.accuracy - x.accuracy;
                return (
                  <tr key={a.key} data-dataset={a.info.name} data-a={x.accuracy} data-b={y.accuracy}>
                    <th scope="row">
                      <span class="dataset-name">{a.info.name}</span> <span class={`role role-${a.info.role}`}>{a.info.role.toUpperCase()}</span>
                    </th>
                    <td class="num">
                      <a href={overview(a, b)} data-testid="accuracy-a">
                        {percent(Number.isNaN(x.accuracy) ? null : x.accuracy)}
                      </a>
                    </td>
                    <td class="num">
                      <a href={overview(b, a)} data-testid="accuracy-b">
                        {percent(Number.isNaN(y.accuracy) ? null : y.accuracy)}
                      </a>
                    </td>
                    <td class={`num ${change > 0 ? "better" : change < 0 ? "worse" : ""}`}>{Number.isNaN(change) ? "n/a" : `${change > 0 ? "+" : ""}${(100 * change).toFixed(1)} points`}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </LatestView>
    </section>
  );
}

/** unitsA x unitsB x images beyond which the page asks before it matches a layer pair (about a few seconds here). */
const ASK_BEYOND = 2e9;

function MatchingPanel({ cmp, reference: [refA, refB] }: { cmp: Comparison; reference: [Column, Column] }) {
  const { api, layer, route, go } = useApp();
  const given = usePythonMatching(refA.run, refB.run);
  const fallback = pairedLayer(refA.run, refB.run, layer.name);
  const asked = route.params[0];
  const layerB = refB.run.model.layers.find((l) => l.name === asked) ?? layerPairOf(given, layer.name)?.b ?? fallback;
  const nameB = typeof layerB === "string" ? layerB : layerB.name;
  const unitsB = refB.run.model.layers.find((l) => l.name === nameB)!.units;
  const fromPython = layerPairOf(given, layer.name, nameB);
  const work = layer.units * unitsB * refA.info.images;
  const [confirmed, setConfirmed] = useState<string | null>(null);
  const pairKey = `${refA.key}/${layer.name}/${refB.key}/${nameB}`;
  const compute = !fromPython && (work <= ASK_BEYOND || confirmed === pairKey);
  const a = { fileId: refA.fileId, dataset: refA.dataset, layer: layerIndex(refA, layer.name) };
  const b = { fileId: refB.fileId, dataset: refB.dataset, layer: layerIndex(refB, nameB) };
  const state = useLatestAsync(() => (compute ? api.layerMatches(a, b) : Promise.resolve(null)), [api, pairKey, compute]);
  return (
    <section class="panel" data-testid="compare-matching" data-layer-a={layer.name} data-layer-b={nameB}>
      <div class="section-head">
        <h2>Units matched</h2>
        <PythonMatchingInput a={refA.run} b={refB.run} />
      </div>
      <div class="toolbar">
        <label class="field">
          <span class="field-label">Layer of A</span>
          <select data-testid="compare-layer-a" value={layer.name} onChange={(e) => go({ layer: e.currentTarget.value, params: [] })}>
            <LayerOptions layers={refA.run.model.layers} />
          </select>
        </label>
        <label class="field">
          <span class="field-label">Layer of B</span>
          <select data-testid="compare-layer-b" value={nameB} onChange={(e) => go({ params: [e.currentTarget.value] })}>
            <LayerOptions layers={refB.run.model.layers} />
          </select>
        </label>
      </div>
      {asked !== undefined && asked !== nameB && (
        <p class="note">
          B has no layer {asked}: showing {nameB}.
        </p>
      )}
      <p class="note" data-testid="matching-source">
        {fromPython
          ? `From ${given!.source} (deephys compare): each unit's best match and the one-to-one matching (units below r = ${fromPython.threshold} are unique to their model).`
          : `Each unit of A's best match in B: the highest Pearson correlation over the ${refA.info.images.toLocaleString()} images of ${refA.info.name}, computed here (deephys compare gives the one-to-one matching too).`}
      </p>
      {fromPython ? (
        <MatchTable cmp={cmp} refA={refA} refB={refB} layerB={nameB} best={fromPython.best} oneToOne={fromPython.oneToOne} />
      ) : !compute ? (
        <p class="status" data-testid="matching-ask">
          Matching {layer.units.toLocaleString()} x {unitsB.toLocaleString()} units over {refA.info.images.toLocaleString()} images takes a while here.{" "}
          <button type="button" class="button" data-testid="matching-compute" onClick={() => setConfirmed(pairKey)}>
            Compute it
          </button>{" "}
          or load the output of <code>deephys compare</code>; a unit's match alone is computed in its neuron view.
        </p>
      ) : (
        <LatestView state={state}>
          {(m) =>
            m && (
              <MatchTable
                cmp={cmp}
                refA={refA}
                refB={refB}
                layerB={nameB}
                best={Array.from(m.units, (unit, k) => ({ unit, match: m.match[k], correlation: Number.isNaN(m.correlation[k]) ? null : m.correlation[k] }))}
              />
            )
          }
        </LatestView>
      )}
    </section>
  );
}

/** One option per layer of a model, named with its units. */
function LayerOptions({ layers }: { layers: LayerInfo[] }) {
  return (
    <>
      {layers.map((l) => (
        <option key={l.name} value={l.name}>
          {l.name} ({l.units})
        </option>
      ))}
    </>
  );
}
