/** The worker's API over a real MessageChannel, as the page uses it. */
import { afterEach, describe, expect, it } from "vitest";
import { connect, serve, RemoteError, type Endpoint, type Remote } from "../../src/worker/rpc";
import { createService } from "../../src/worker/service";
import type { WorkerApi } from "../../src/worker/api";
import { expected, fixtureBytes, pyFloat } from "../fixtures";

const ports: MessagePort[] = [];

function pair(fetchImpl?: typeof fetch): Remote<WorkerApi> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  serve(createService(fetchImpl), port1 as unknown as Endpoint);
  const api = connect<WorkerApi>(port2 as unknown as Endpoint);
  port1.start();
  port2.start();
  return api;
}

afterEach(() => ports.splice(0).forEach((p) => p.close()));

const small = () => new File([fixtureBytes("small.deephys").slice()], "small.deephys");

describe("worker API", () => {
  it("opens a File and serves a unit's profile", async () => {
    const api = pair();
    const { fileId, info } = await api.openFile({ kind: "file", file: small(), name: "small.deephys" });
    expect(info.model.layers.map((l) => l.name)).toEqual(["fc1", "logits"]);
    const want = expected("small.deephys").datasets[0];
    const summary = await api.summary(fileId, 0, 0);
    const unit = 3;
    const profile = await api.unitProfile(fileId, 0, 0, unit);
    expect(profile.max).toBe(pyFloat(want.layers.fc1.max[unit]));
    const k = summary.topK;
    const top = want.layers.fc1.topIndices.slice(unit * k, unit * k + k).filter((i) => i !== 0xffffffff);
    expect(Array.from(profile.topIndices)).toEqual(top);
    expect(Array.from(profile.topLabels)).toEqual(top.map((i) => want.labels[i]));
    expect(profile.classMeans.length).toBe(4);
    expect(profile.histogram.length).toBe(summary.histogramBins);
    const row = await api.activationRow(fileId, 0, 0, 2);
    expect(row.length).toBe(12);
    const image = await api.image(fileId, 0, 5);
    expect(image?.type).toBe("image/png");
  });

  it("unit 0 of fc1 never fires: an empty top list", async () => {
    const api = pair();
    const { fileId } = await api.openFile({ kind: "file", file: small(), name: "small.deephys" });
    const profile = await api.unitProfile(fileId, 1, 0, 0);
    expect(profile.topIndices.length).toBe(0);
    expect(profile.max).toBe(0);
  });

  it("re-raises a FormatError with its file, offset, problem and code", async () => {
    const api = pair();
    const bad = fixtureBytes("small.deephys").slice(0, 1000);
    const error = await api.openFile({ kind: "file", file: new File([bad], "cut.deephys"), name: "cut.deephys" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).name).toBe("FormatError");
    expect((error as RemoteError).info.file).toBe("cut.deephys");
    expect((error as RemoteError).info.code).toBe("truncated");
    expect((error as RemoteError).message).toMatch(/^cut\.deephys: at byte \d+: no Deephys trailer/);
  });

  it("opens a URL through Range requests", async () => {
    const bytes = fixtureBytes("small.deephys");
    const requested: string[] = [];
    const fetchImpl = (async (_url: string, init?: RequestInit) => {
      const range = new Headers(init?.headers).get("Range")!;
      requested.push(range);
      const [, a, z] = /bytes=(\d+)-(\d+)/.exec(range)!.map(Number);
      const b = Math.min(z, bytes.length - 1);
      return new Response(bytes.slice(a, b + 1), { status: 206, headers: { "Content-Range": `bytes ${a}-${b}/${bytes.length}` } });
    }) as typeof fetch;
    const api = pair(fetchImpl);
    const { info } = await api.openFile({ kind: "url", url: "http://127.0.0.1:1/tok/files/0", name: "small.deephys" });
    expect(info.datasets.length).toBe(2);
    // The first request asks for 64 KiB: this file is smaller, so header, trailer and footer come with it.
    expect(requested).toEqual(["bytes=0-65535"]);
  });

  it("rejects unknown methods and closed files", async () => {
    const api = pair();
    await expect(api.summary(99, 0, 0)).rejects.toThrow(/not open/);
    await expect((api as unknown as { nope(): Promise<void> }).nope()).rejects.toThrow(/no method/);
  });
});
