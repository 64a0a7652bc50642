/** Top of the page: opening files (picker, drop, server list, embedded report), the error banner, then the shell. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { decodeEmbedded, takeEmbedded, type EmbeddedText } from "../embed/embedded";
import type { OpenFile } from "./columns";
import { ErrorBanner, errorText, type BannerMessage } from "./ErrorBanner";
import { OpenScreen } from "./OpenScreen";
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

  const reportError = useCallback((error: unknown) => {
    const text = errorText(error);
    // Many thumbnails of one damaged file would otherwise repeat the same message.
    setMessages((m) => (m.some((x) => x.text === text) ? m : [...m, { id: nextMessageId++, text }]));
  }, []);

  const open = useCallback(
    async (sources: FileSource[]) => {
      setBusy((b) => b + 1);
      try {
        const results = await Promise.allSettled(sources.map((s) => api.openFile(s)));
        const opened: OpenFile[] = [];
        results.forEach((r, i) => {
          if (r.status === "fulfilled") {
            opened.push(r.value);
            r.value.info.warnings.forEach(reportError);
          } else {
            const text = errorText(r.reason);
            reportError(text.includes(sources[i].name) ? text : `${sources[i].name}: ${text}`);
          }
        });
        if (opened.length) setFiles((f) => [...f, ...opened]);
      } finally {
        setBusy((b) => b - 1);
      }
    },
    [api, reportError],
  );

  const openFiles = useCallback((list: File[]) => void open(list.map((file) => ({ kind: "file", file, name: file.name }))), [open]);
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
    void listServerFiles().then((list) => {
      setServerFiles(list);
      if (list.length) void open(list.map((f) => ({ kind: "url", url: f.url, name: f.name })));
    });
  }, [open, reportError]);

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
        <OpenScreen onFiles={openFiles} onServerFile={openServerFile} serverFiles={serverFiles} busy={busy > 0} />
      ) : (
        <Shell api={api} files={files} onFiles={openFiles} reportError={reportError} />
      )}
    </>
  );
}
