/**
 * Number-for-number check of the TypeScript analyses against the NumPy
 * reference (python/deephys/analysis/) on generated data with NaN, inf,
 * zeros, ties, a dead unit, an empty class and huge logits. Functions without
 * exp are compared bit for bit; softmax, confidence and density to 1e-13.
 *
 * The findings (worker/methods/findings.ts) are compared key for key with
 * deephys.findings on files the Python writer makes here, with and without a
 * readout and an ID dataset.
 *
 * The only unit test that runs Python (its reference data would be megabytes
 * to commit): skipped, and said so, without the repository's environment.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PYTHON, REPO_ROOT, SCRATCH_DIR } from "../paths";
import { confusionAttribution, contributions } from "../../src/analysis/attribution";
import {
  accuracy,
  classAccuracy,
  confusionCellImages,
  confusionMatrix,
  confusionRates,
  falseNegativeImages,
  falseNegatives,
  falsePositiveImages,
  falsePositives,
  growingConfusions,
  losingClasses,
} from "../../src/analysis/confusion";
import { bestMatches, CorrelationAccumulator, unitCorrelations } from "../../src/analysis/matching";
import { Run } from "../../src/format/run";
import { MemorySource } from "../../src/format/source";
import { computeFindings, type FindingsLimits } from "../../src/worker/methods/findings";
import { imageMethods } from "../../src/worker/methods/image";
import { boundedDensity, density } from "../../src/analysis/density";
import { histogram } from "../../src/analysis/histogram";
import { normalize, referenceMax } from "../../src/analysis/normalize";
import { columnOf, mostShiftedUnits, topClasses, topImages, topUnits } from "../../src/analysis/ranking";
import { noveltyScores, ShiftReference, spearmanColumns, spuriousScores } from "../../src/analysis/scores";
import { confidence, predictions, softmax, topPredictions } from "../../src/analysis/softmax";
import { classMeans, tuningMatrix } from "../../src/analysis/tuning";

const SCRIPT = String.raw`
import base64, json, sys
import numpy as np
from deephys import analysis as A

def f64(x):
    return {"b64": base64.b64encode(np.ascontiguousarray(x, dtype="<f8").tobytes()).decode()}

def case(seed, n, u, c, k):
    rng = np.random.default_rng(seed)
    acts = np.maximum(rng.standard_normal((n, u)), 0).astype(np.float32)
    acts[rng.random((n, u)) < 0.2] = 0.5  # ties
    acts[rng.random((n, u)) < 0.02] = np.nan
    acts[rng.random((n, u)) < 0.01] = np.inf
    acts[:, 1] = 0
    ood = (acts * rng.random(u).astype(np.float32) + rng.standard_normal((n, u)).astype(np.float32) * 0.3)
    ood = np.maximum(ood, 0).astype(np.float32)
    labels = rng.integers(0, c - 1, n)  # class c-1 empty
    logits = rng.standard_normal((n, k)) * 5
    logits[0] = np.nan
    logits[1, 0] = 1e4
    logits[2] = np.round(logits[2])
    logits[3, :2] = 7.0
    ref = A.reference_max(acts)
    t_id = A.tuning_matrix(acts, labels, c, ref)
    t_ood = A.tuning_matrix(ood, labels, c, ref)
    sp = A.spurious_scores(t_id, t_ood)
    nv = A.novelty_scores(t_id, t_ood)
    preds = A.predictions(logits)
    conf = A.confidence(logits)
    ti, tp = A.top_predictions(logits, 5)
    cm = A.class_means(acts, labels, c)
    members = np.flatnonzero(labels == 0)
    grid = np.linspace(-0.2, 1.2, 29)
    # A readout over the layer, confusions of a second prediction, and matching against the shifted layer.
    weights = (rng.standard_normal((c, u)) * 2).astype(np.float32)
    preds_c = np.minimum(preds, c - 1)
    preds_2 = np.where(rng.random(n) < 0.3, (preds_c + 1) % c, preds_c)
    rates = A.confusion_rates(labels, preds_c, c)
    rates_2 = A.confusion_rates(labels, preds_2, c)
    gt, gp = A.growing_confusions(rates_2, rates, 6)
    t0, p0 = int(labels[0]), (int(labels[0]) + 1) % c
    cell = np.flatnonzero((labels == t0) & (preds_2 == p0))
    attribution = A.confusion_attribution(weights, ood[cell], acts[labels == t0], t0, p0, n=7)
    finite_a = np.nan_to_num(acts, nan=0.0, posinf=3.0)
    finite_b = np.nan_to_num(ood.astype(np.float64), nan=0.0, posinf=3.0)[:, ::-1] * 2 + 1
    accumulator = A.CorrelationAccumulator(u, u)
    for start in range(0, n, 97):
        accumulator.add(finite_a[start : start + 97], finite_b[start : start + 97])
    corr = accumulator.result()
    best, best_corr = A.best_matches(corr)
    return {
        "n": n, "u": u, "c": c, "k": k,
        "acts": f64(acts), "ood": f64(ood), "labels": labels.tolist(), "logits": f64(logits),
        "ref": f64(ref), "norm": f64(A.normalize(ood, ref)), "cmeans": f64(cm),
        "t_id": f64(t_id), "t_ood": f64(t_ood), "rho": f64(A.spearman_columns(t_id, t_ood)),
        "spurious": f64(sp), "novelty": f64(nv),
        "softmax": f64(A.softmax(logits)), "preds": preds.tolist(), "conf": f64(conf),
        "top_idx": ti.ravel().tolist(), "top_prob": f64(tp),
        "accuracy": f64([A.accuracy(labels, preds)]),
        "class_accuracy": f64(A.class_accuracy(labels, preds, c)),
        "confusion": A.confusion_matrix(labels, np.minimum(preds, c - 1), c).ravel().tolist(),
        "fp": [A.false_positives(labels, preds, j) for j in range(c)],
        "fn": [A.false_negatives(labels, preds, j) for j in range(c)],
        "fp_images": [A.false_positive_images(labels, preds, conf, j).tolist() for j in range(c)],
        "fp_images_1": [A.false_positive_images(labels, preds, conf, j, true_class=1).tolist() for j in range(c)],
        "fn_images": [A.false_negative_images(labels, preds, conf, j).tolist() for j in range(c)],
        "fn_images_0": [A.false_negative_images(labels, preds, conf, j, predicted_class=0).tolist() for j in range(c)],
        "cell_images": [[A.confusion_cell_images(labels, preds, conf, t, p).tolist() for p in range(k)] for t in range(c)],
        "top_images": [A.top_images(acts[:, j], 10)[0].tolist() for j in range(u)],
        "top_units_0": A.top_units(acts[0], 8)[0].tolist(),
        "top_units_set": A.top_units(acts[members], 8)[0].tolist(),
        "top_units_set_values": f64(A.top_units(acts[members], 8)[1]),
        "top_classes": [A.top_classes(cm[:, j], 5)[0].tolist() for j in range(u)],
        "shifted_sp": A.most_shifted_units(sp, nv).tolist(),
        "shifted_nv": A.most_shifted_units(sp, nv, by="novelty", n=7).tolist(),
        "hist": [A.histogram(acts[:, j], 16)[0].tolist() for j in range(u)],
        "hist_range": f64([v for j in range(u) for v in A.histogram(acts[:, j], 16)[1:]]),
        "grid": f64(grid), "density": f64(A.density(sp, grid)),
        "bounded_density": f64(A.bounded_density(sp, grid, 0.0, 1.0)),
        "bounded_novelty": f64(A.bounded_density(nv, grid, -0.1, 0.9)),
        "weights": f64(weights), "preds_2": preds_2.tolist(), "t0": t0, "p0": p0, "cell": cell.tolist(),
        "contributions": f64(A.contributions(weights, ood[cell], t0, p0)),
        "contributions_id": f64(A.contributions(weights, acts[labels == t0], t0, p0)),
        "contributions_none": f64(A.contributions(weights, acts[:0], t0, p0)),
        "attr_units": attribution.units.tolist(), "attr_contribution": f64(attribution.contribution),
        "attr_id": f64(attribution.id_contribution), "attr_difference": f64(attribution.difference),
        "rates": f64(rates_2), "growing_true": gt.tolist(), "growing_predicted": gp.tolist(),
        "losing": A.losing_classes(A.class_accuracy(labels, preds_2, c), A.class_accuracy(labels, preds_c, c), 4).tolist(),
        "corr": f64(corr), "corr_one": f64(A.unit_correlations(finite_a, finite_b)),
        "best": best.tolist(), "best_corr": f64(best_corr),
    }

json.dump([case(0, 300, 23, 6, 6), case(1, 57, 5, 4, 20), case(2, 1000, 40, 12, 12)], sys.stdout)
`;

const FINDINGS_SCRIPT = String.raw`
import json, sys
from pathlib import Path
import numpy as np
import deephys
from deephys.findings import Limits, findings

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
CLASSES = ["zero", "one", "two", "three", "four"]

def write(name, readout=True, roles=("id", "ood", "ood", "ood"), dtype="float32", seed=0):
    rng = np.random.default_rng(seed)
    model = deephys.Model("findings", layers={"conv": 6, "features": 8, "logits": 5}, classifier="logits")
    weights = rng.standard_normal((5, 8)).astype(dtype) * 2
    bias = rng.standard_normal(5).astype(dtype) * 0.1
    given = deephys.Readout("features", weights, bias) if readout else None
    path = out / name
    with deephys.Writer(path, model=model, classes=CLASSES, readout=given, chunk_bytes=700, activation_dtype=dtype) as w:
        for d, role in enumerate(roles):
            labels = rng.permutation(np.repeat(np.arange(5), 30))
            if d == 2:
                labels = labels[labels != 4]  # class four absent from this shift
            feats = rng.random((labels.size, 8)) * 0.3
            feats[np.arange(labels.size), labels] += 1.0
            if d > 0:
                # the shift moves some images of class c onto unit c + d (a shortcut)
                moved = rng.random(labels.size) < 0.25 * d
                feats[moved, (labels[moved] + d) % 8] += 1.5
            conv = np.maximum(rng.standard_normal((labels.size, 6)), 0) + feats[:, :6] * 0.5
            if d == 3:
                conv[:5, 2] = np.nan
            feats = feats.astype(dtype)
            logits = feats.astype(np.float64) @ weights.T.astype(np.float64) + bias
            w.add_dataset(f"set {d}", role=role, labels=labels,
                          activations={"conv": conv, "features": feats, "logits": logits})
    return str(path)

files = {
    "readout": write("readout.deephys"),
    "float64": write("float64.deephys", dtype="float64", seed=1),
    "plain": write("plain.deephys", readout=False, seed=2),
    "no-id": write("no-id.deephys", roles=("ood", "ood"), seed=3),
    "no-ood": write("no-ood.deephys", roles=("id",), seed=4),
}
limits = Limits(classes=3, cells=4, units=5, shifted=6)
result = {name: {"path": path, "default": findings(path), "limits": findings(path, limits)} for name, path in files.items()}

# A dataset exported with a label map and predictions restricted to its classes (the exporters' way).
from deephys.export.classes import export_metadata, one_label_map
rng = np.random.default_rng(5)
label_map = one_label_map({0: 1, 1: 3, 2: 4}, "label_map")
logits = rng.standard_normal((40, 5)) * 3
logits[:, 0] += 4  # the unmapped class 0 often wins over all classes
predictions, confidences = label_map.predict(logits)
restricted = out / "restricted.deephys"
model = deephys.Model("restricted", layers={"features": 3, "logits": 5}, classifier="logits")
with deephys.Writer(restricted, model=model, classes=CLASSES, metadata=export_metadata({"mapped": label_map}, True)) as w:
    w.dataset("mapped", role="ood", total=40).append(
        labels=label_map.apply(rng.integers(0, 3, 40), "mapped", 0, 0),
        activations={"features": rng.random((40, 3)), "logits": logits},
        predictions=predictions, confidences=confidences)
result["restricted"] = {"path": str(restricted), "predictions": predictions.tolist(), "confidences": confidences.tolist(),
                        "allowed": label_map.classes.tolist()}
json.dump(result, sys.stdout, allow_nan=False)
`;

interface Encoded {
  b64: string;
}

function decode(e: Encoded): Float64Array {
  const bytes = Buffer.from(e.b64, "base64");
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Bit-for-bit equality (NaN equal to NaN, -0 equal to 0). */
function same(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(Array.from(actual, (v) => (v === 0 ? 0 : v))).toEqual(Array.from(expected, (v) => (v === 0 ? 0 : v)));
}

/** Equal to a relative tolerance (or an absolute one, for numbers of a fixed scale such as correlations). */
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-13, absolute = false): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(b)) expect(a).toBeNaN();
    else expect(Math.abs(a - b)).toBeLessThanOrEqual(absolute ? rel : rel * Math.abs(b));
  }
}

/** One generated case, as JSON from Python. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Case = Record<string, any>;

const HAVE_PYTHON = existsSync(PYTHON);
if (!HAVE_PYTHON) console.warn(`crosscheck skipped: no Python at ${PYTHON} (\`make setup\`, or set DEEPHYS_PYTHON)`);

const cases: Case[] = HAVE_PYTHON
  ? JSON.parse(
      execFileSync(PYTHON, ["-c", SCRIPT], {
        env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
        maxBuffer: 1 << 28,
      }).toString(),
    )
  : [];

describe.skipIf(!HAVE_PYTHON)("NumPy reference", () => {
  it("has cases", () => expect(cases.length).toBe(3));
});

interface FindingsCase {
  path: string;
  default: { [key: string]: unknown };
  limits: { [key: string]: unknown };
}

const findingsCases: { [name: string]: FindingsCase } = HAVE_PYTHON
  ? JSON.parse(
      execFileSync(PYTHON, ["-c", FINDINGS_SCRIPT, `${SCRATCH_DIR}/analysis/findings`], {
        env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
        maxBuffer: 1 << 28,
      }).toString(),
    )
  : {};
if (HAVE_PYTHON) mkdirSync(`${SCRATCH_DIR}/analysis`, { recursive: true });

/** The findings JSON without the file's path (Python's is the path, the viewer's the name). */
function withoutFile(findings: object): object {
  const { file: _, ...rest } = findings as { file: string };
  return rest;
}

describe.skipIf(!HAVE_PYTHON)("predictions restricted to a dataset's mapped classes", () => {
  it("the image view's softmax and top classes are over the mapped classes, as the stored prediction", async () => {
    const r = findingsCases.restricted as unknown as { path: string; predictions: number[]; confidences: number[]; allowed: number[] };
    const run = await Run.open(new MemorySource(new Uint8Array(readFileSync(r.path)), r.path));
    const methods = imageMethods(() => run);
    let beyond = 0;
    for (let i = 0; i < r.predictions.length; i++) {
      const detail = await methods.imageDetail(1, 0, i, 5);
      expect(detail.restrictedTo).toBe(r.allowed.length);
      expect(detail.topClasses[0]).toBe(r.predictions[i]);
      expect(Array.from(detail.topClasses).every((c) => r.allowed.includes(c))).toBe(true);
      close([detail.topProbabilities[0]], [r.confidences[i]], 1e-6); // stored as float32
      const logits = await run.activationRow(0, 1, i);
      if (predictions(logits, 5)[0] !== r.predictions[i]) beyond++;
    }
    expect(beyond).toBeGreaterThan(0); // over all classes, some images would be predicted otherwise
  });
});

describe.each(Object.entries(findingsCases).filter(([name]) => name !== "restricted"))("findings of %s", (_, f) => {
  const open = () => Run.open(new MemorySource(new Uint8Array(readFileSync(f.path)), f.path));
  const limits: FindingsLimits = { classes: 3, cells: 4, units: 5, shifted: 6 };

  it("equal deephys.findings, number for number", async () => {
    const run = await open();
    expect(withoutFile(await computeFindings(run))).toEqual(withoutFile(f.default));
    expect(withoutFile(await computeFindings(run, "all", limits))).toEqual(withoutFile(f.limits));
  });

  it("from the tables alone: the same, without units and shift scores", async () => {
    const tables = withoutFile(await computeFindings(await open(), "tables")) as { datasets: { confusions: { units: unknown[] }[]; shifted_units: unknown[] }[] };
    const full = structuredClone(withoutFile(f.default)) as typeof tables;
    for (const d of full.datasets) {
      d.shifted_units = [];
      for (const c of d.confusions) c.units = [];
    }
    expect(tables).toEqual(full);
  });
});

describe.each(cases.map((c, i) => [i, c] as const))("case %i", (_, c) => {
  const { u, c: numClasses, k } = c;
  const acts = decode(c.acts);
  const ood = decode(c.ood);
  const logits = decode(c.logits);
  const labels = Int32Array.from(c.labels);

  it("normalisation, tuning and scores are bit-exact", () => {
    const ref = referenceMax(acts, u);
    same(ref, decode(c.ref));
    same(normalize(ood, ref), decode(c.norm));
    same(classMeans(acts, u, labels, numClasses), decode(c.cmeans));
    const tId = tuningMatrix(acts, u, labels, numClasses, ref);
    const tOod = tuningMatrix(ood, u, labels, numClasses, ref);
    same(tId, decode(c.t_id));
    same(tOod, decode(c.t_ood));
    same(spearmanColumns(tId, tOod, u), decode(c.rho));
    same(spuriousScores(tId, tOod, u), decode(c.spurious));
    same(noveltyScores(tId, tOod, u), decode(c.novelty));
  });

  it("predictions and confusion are exact; softmax close", () => {
    const preds = predictions(logits, k);
    same(preds, c.preds);
    close(softmax(logits, k), decode(c.softmax));
    const conf = confidence(logits, k);
    close(conf, decode(c.conf));
    const top = topPredictions(logits, k, 5);
    same(top.indices, c.top_idx);
    close(top.probabilities, decode(c.top_prob));
    same([accuracy(labels, preds)], decode(c.accuracy));
    same(classAccuracy(labels, preds, numClasses), decode(c.class_accuracy));
    same(confusionMatrix(labels, preds.map((p) => Math.min(p, numClasses - 1)), numClasses), c.confusion);
    const pyConf = decode(c.conf);
    for (let j = 0; j < numClasses; j++) {
      const asTuples = (xs: { cls: number; count: number; fraction: number }[]) =>
        xs.map((x) => [x.cls, x.count, x.fraction]);
      expect(asTuples(falsePositives(labels, preds, j))).toEqual(c.fp[j]);
      expect(asTuples(falseNegatives(labels, preds, j))).toEqual(c.fn[j]);
      same(falsePositiveImages(labels, preds, pyConf, j), c.fp_images[j]);
      same(falsePositiveImages(labels, preds, pyConf, j, 1), c.fp_images_1[j]);
      same(falseNegativeImages(labels, preds, pyConf, j), c.fn_images[j]);
      same(falseNegativeImages(labels, preds, pyConf, j, 0), c.fn_images_0[j]);
      for (let p = 0; p < k; p++) same(confusionCellImages(labels, preds, pyConf, j, p), c.cell_images[j][p]);
    }
  });

  it("attribution, confusion rankings and the shift reference are exact; matching close", () => {
    const weights = decode(c.weights);
    const preds2 = Int32Array.from(c.preds_2);
    const cellRows = (source: Float64Array, rows: number[]) => {
      const out = new Float64Array(rows.length * u);
      rows.forEach((r, k) => out.set(source.subarray(r * u, (r + 1) * u), k * u));
      return out;
    };
    const idMembers: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === c.t0) idMembers.push(i);
    const cell = cellRows(ood, c.cell);
    const idRows = cellRows(acts, idMembers);
    same(contributions(weights, u, cell, c.t0, c.p0), decode(c.contributions));
    same(contributions(weights, u, idRows, c.t0, c.p0), decode(c.contributions_id));
    same(contributions(weights, u, new Float64Array(0), c.t0, c.p0), decode(c.contributions_none));
    const a = confusionAttribution(weights, u, cell, idRows, c.t0, c.p0, 7);
    same(a.units, c.attr_units);
    same(a.contribution, decode(c.attr_contribution));
    same(a.idContribution, decode(c.attr_id));
    same(a.difference, decode(c.attr_difference));
    const predsC = predictions(logits, k).map((p) => Math.min(p, numClasses - 1));
    const rates2 = confusionRates(labels, preds2, numClasses);
    same(rates2, decode(c.rates));
    const grown = growingConfusions(rates2, confusionRates(labels, predsC, numClasses), numClasses, 6);
    same(grown.trueClasses, c.growing_true);
    same(grown.predicted, c.growing_predicted);
    same(losingClasses(classAccuracy(labels, preds2, numClasses), classAccuracy(labels, predsC, numClasses), 4), c.losing);
    const tId = decode(c.t_id);
    const tOod = decode(c.t_ood);
    const reference = new ShiftReference(tId, u);
    same(reference.spurious(tOod), decode(c.spurious));
    same(reference.novelty(tOod), decode(c.novelty));
    // From the class means and the reference's maxima, in one pass (what the findings use).
    const both = reference.scoresOf(classMeans(ood, u, labels, numClasses), decode(c.ref));
    same(both.spurious, decode(c.spurious));
    same(both.novelty, decode(c.novelty));
    const finite = (x: Float64Array) => x.map((v) => (Number.isNaN(v) ? 0 : v === Infinity ? 3 : v));
    const fa = finite(acts);
    const fb = finite(ood);
    const n = labels.length;
    const flipped = new Float64Array(n * u);
    for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) flipped[i * u + j] = fb[i * u + (u - 1 - j)] * 2 + 1;
    const acc = new CorrelationAccumulator(u, u);
    for (let start = 0; start < n; start += 97) acc.add(fa.subarray(start * u, Math.min(n, start + 97) * u), flipped.subarray(start * u, Math.min(n, start + 97) * u));
    const corr = acc.result();
    close(corr, decode(c.corr), 1e-12, true);
    close(unitCorrelations(fa, u, flipped, u), decode(c.corr_one), 1e-12, true);
    const best = bestMatches(decode(c.corr), u);
    same(best.match, c.best);
    same(best.correlation, decode(c.best_corr));
    // One unit's matches (the viewer's on-demand match) are its row of the full matrix.
    const unit = 3;
    const single = new CorrelationAccumulator(1, u);
    for (let start = 0; start < n; start += 97) {
      const rows = Math.min(n, start + 97) - start;
      single.add(Float64Array.from({ length: rows }, (_, r) => fa[(start + r) * u + unit]), flipped.subarray(start * u, (start + rows) * u));
    }
    close(single.result(), decode(c.corr).subarray(unit * u, (unit + 1) * u), 1e-12, true);
  });

  it("rankings, histograms are exact; density close", () => {
    for (let j = 0; j < u; j++) same(topImages(columnOf(acts, u, j), 10).indices, c.top_images[j]);
    same(topUnits(acts.subarray(0, u), u, 8).indices, c.top_units_0);
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === 0) members.push(i);
    const rows = new Float64Array(members.length * u);
    members.forEach((m, r) => rows.set(acts.subarray(m * u, (m + 1) * u), r * u));
    const set = topUnits(rows, u, 8);
    same(set.indices, c.top_units_set);
    same(set.values, decode(c.top_units_set_values));
    const means = classMeans(acts, u, labels, numClasses);
    for (let j = 0; j < u; j++) same(topClasses(columnOf(means, u, j), 5).indices, c.top_classes[j]);
    const sp = decode(c.spurious);
    const nv = decode(c.novelty);
    same(mostShiftedUnits(sp, nv), c.shifted_sp);
    same(mostShiftedUnits(sp, nv, "novelty", 7), c.shifted_nv);
    const ranges = decode(c.hist_range);
    for (let j = 0; j < u; j++) {
      const h = histogram(columnOf(acts, u, j), 16);
      same(h.counts, c.hist[j]);
      same([h.lo, h.hi], [ranges[2 * j], ranges[2 * j + 1]]);
    }
    close(density(sp, decode(c.grid)), decode(c.density));
    close(boundedDensity(sp, decode(c.grid), 0, 1), decode(c.bounded_density));
    close(boundedDensity(nv, decode(c.grid), -0.1, 0.9), decode(c.bounded_novelty));
  });
});
