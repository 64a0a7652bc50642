/**
 * Number-for-number check of the TypeScript analyses against the NumPy
 * reference (python/deephys/analysis/) on generated data with NaN, inf,
 * zeros, ties, a dead unit, an empty class and huge logits. Functions without
 * exp are compared bit for bit; softmax, confidence and density to 1e-13.
 *
 * The only unit test that runs Python (its reference data would be megabytes
 * to commit): skipped, and said so, without the repository's environment.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PYTHON, REPO_ROOT } from "../paths";
import {
  accuracy,
  classAccuracy,
  confusionCellImages,
  confusionMatrix,
  falseNegativeImages,
  falseNegatives,
  falsePositiveImages,
  falsePositives,
} from "../../src/analysis/confusion";
import { boundedDensity, density } from "../../src/analysis/density";
import { histogram } from "../../src/analysis/histogram";
import { normalize, referenceMax } from "../../src/analysis/normalize";
import { columnOf, mostShiftedUnits, topClasses, topImages, topUnits } from "../../src/analysis/ranking";
import { noveltyScores, spearmanColumns, spuriousScores } from "../../src/analysis/scores";
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
    }

json.dump([case(0, 300, 23, 6, 6), case(1, 57, 5, 4, 20), case(2, 1000, 40, 12, 12)], sys.stdout)
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

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-13): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(b)) expect(a).toBeNaN();
    else expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b));
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
