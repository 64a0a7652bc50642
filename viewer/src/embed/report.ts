/** Whether this page is a report made by `deephys bundle` (it held embedded files). */
let report = false;

export function markReport(): void {
  report = true;
}

/** In a report, an image the file leaves out is "not included in this report". */
export function isReport(): boolean {
  return report;
}
