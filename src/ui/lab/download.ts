/**
 * Saves a Blob as a file: the page's only part in an export (the worker or the serializer made the
 * Blob). The object URL is released once the browser has started the download.
 */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers; a minute later it has long started.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
