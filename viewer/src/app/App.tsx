/** Top of the page: opening files (picker, drop, URLs, server list, embedded report), the error banner, then the shell. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { decodeEmbedded, takeEmbedded, type EmbeddedText } from "../embed/embedded";
import { modelKey, type OpenFile } from "./columns";
import { ErrorBanner, type BannerMessage } from "./ErrorBanner";
import { OpenScreen } from "./OpenScreen";
import { addProblem, describeProblem, type Problem } from "./problems";
import { rememberSource, urlSource, urlsFromQuery } from "./remote-files";
import { keepHashLinksInSrcdoc } from "./router";
import { listServerFiles, type ServerFile } from "./server-files";
import { Shell } from "./Shell";
import { workerApi } from "./worker-client";
import type { FileSource } from "../worker/api";

let nextMessageId = 1;

export function App() {
  const api = workerApi();
  const [files, setFiles] = useState<OpenFile[]>([]);
  const [messages, setMessages] = useState<BannerMessage[]>([]);
  const [busy, setBusy] = useState(0);
  const [serverFiles, setServerFiles] = useState<ServerFile[]>([]);
  // A report made by `deephys bundle` holds its files: they open at once, without the open screen.
  const embedded = useRef<EmbeddedText[] | null>(null);
  embedded.current ??= takeEmbedded();
  const started = useRef(false);
  const [openingReport, setOpeningReport] = useState(embedded.current.length > 0);

  const filesNow = useRef(files);
  filesNow.current = files;

  /** Adds `problem` to the banner of its file, or as a banner of its own. */
  const report = useCallback((problem: Problem) => {
    setMessages((m) => addProblem(m, { ...problem, id: nextMessageId++ }));
  }, []);
  const reportError = useCallback((error: unknown) => report(describeProblem(error)), [report]);
  const note = useCallback(
    (key: string, title: string, advice: string[] = []) => report({ key, kind: "info", title, advice, command: null, details: [], more: 0 }),
    [report],
  );

  const open = useCallback(
    async (sources: FileSource[]) => {
      setBusy((b) => b + 1);
      try {
        const results = await Promise.allSettled(sources.map((s) => api.openFile(s)));
        const opened: OpenFile[] = [];
        results.forEach((r, i) => {
          if (r.status === "fulfilled") {
            opened.push(r.value);
            rememberSource(r.value.fileId, sources[i]);
            for (const w of r.value.info.warnings) note(r.value.info.name, w);
          } else report(describeProblem(r.reason, { file: sources[i].name, opening: true }));
        });
        // A file of another model is kept apart: say so, once per model.
        const models = new Map(filesNow.current.map((f) => [modelKey(f.info), f]));
        for (const f of opened) {
          const key = modelKey(f.info);
          const first = models.size > 0 && !models.has(key) ? [...models.values()][0] : null;
          if (first) {
            note(
              f.info.name,
              `${f.info.name} is of another model (${f.info.model.name || "unnamed"}) than ${first.info.name} (${first.info.model.name || "unnamed"}): its datasets are kept apart.`,
              ["Switch between the models, or remove a file, under Datasets in the top bar."],
            );
          }
          if (!models.has(key)) models.set(key, f);
        }
        if (opened.length) setFiles((f) => [...f, ...opened]);
      } finally {
        setBusy((b) => b - 1);
      }
    },
    [api, report, note],
  );

  const removeFile = useCallback(
    (fileId: number) => {
      setFiles((f) => f.filter((x) => x.fileId !== fileId));
      void api.closeFile(fileId);
    },
    [api],
  );

  const openFiles = useCallback((list: File[]) => void open(list.map((file) => ({ kind: "file", file, name: file.name }))), [open]);
  const openUrls = useCallback((urls: string[]) => void open(urls.map(urlSource)), [open]);
  const queryUrls = useRef<string[] | null>(null);
  queryUrls.current ??= urlsFromQuery(location.search);
  const openServerFile = useCallback((f: ServerFile) => void open([{ kind: "url", url: f.url, name: f.name }]), [open]);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const report = embedded.current ?? [];
    embedded.current = []; // the text is released once decoded
    if (report.length) {
      void Promise.allSettled(report.map(decodeEmbedded))
        .then((results) => {
          results.forEach((r) => r.status === "rejected" && reportError(r.reason));
          const files = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
          return open(files.map(({ name, file }) => ({ kind: "file", file, name })));
        })
        .finally(() => setOpeningReport(false));
      return;
    }
    if (queryUrls.current?.length) openUrls(queryUrls.current); // ?url=...: the files given to the page
    void listServerFiles().then((list) => {
      setServerFiles(list);
      if (list.length) void open(list.map((f) => ({ kind: "url", url: f.url, name: f.name })));
    });
  }, [open, openUrls, reportError]);

  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      const dropped = Array.from(e.dataTransfer?.files ?? []);
      if (dropped.length) openFiles(dropped);
    };
    const rejection = (e: PromiseRejectionEvent) => {
      e.preventDefault();
      reportError(e.reason);
    };
    const removeLinkHandler = keepHashLinksInSrcdoc();
    window.addEventListener("dragover", over);
    window.addEventListener("drop", drop);
    window.addEventListener("unhandledrejection", rejection);
    return () => {
      removeLinkHandler();
      window.removeEventListener("dragover", over);
      window.removeEventListener("drop", drop);
      window.removeEventListener("unhandledrejection", rejection);
    };
  }, [openFiles, reportError]);

  return (
    <>
      <ErrorBanner messages={messages} dismiss={(id) => setMessages((m) => m.filter((x) => x.id !== id))} />
      {files.length === 0 && openingReport ? (
        <p class="status report-opening" role="status" data-testid="report-opening">
          Opening the report…
        </p>
      ) : files.length === 0 ? (
        <OpenScreen onFiles={openFiles} onUrls={openUrls} onServerFile={openServerFile} serverFiles={serverFiles} busy={busy > 0} initialUrls={queryUrls.current} />
      ) : (
        <Shell api={api} files={files} onFiles={openFiles} onRemove={removeFile} reportError={reportError} />
      )}
    </>
  );
}
