/** A button that opens the system file picker for one or more .deephys files. */
import { useRef } from "preact/hooks";

export function FilePicker({ onFiles, label, testId = "file-input" }: { onFiles: (files: File[]) => void; label: string; testId?: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" class="button" onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept=".deephys"
        multiple
        hidden
        data-testid={testId}
        onChange={(e) => {
          const target = e.currentTarget;
          const files = Array.from(target.files ?? []);
          target.value = ""; // picking the same file again still fires a change
          if (files.length) onFiles(files);
        }}
      />
    </>
  );
}
