// Client-side checks and encoding of the professional's document upload.
import type { DocumentUpload } from "./bindings";

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
export const DOCUMENT_EXTENSIONS = [".pdf", ".png", ".jpg", ".jpeg"] as const;
export const DOCUMENT_ACCEPT = DOCUMENT_EXTENSIONS.join(",");

/** A user-facing problem with the file, or null when it may be uploaded. */
export function documentProblem(file: Pick<File, "name" | "size">): string | null {
  const name = file.name.toLowerCase();
  if (!DOCUMENT_EXTENSIONS.some((ext) => name.endsWith(ext))) {
    return "Choose a PDF, PNG or JPEG file.";
  }
  if (file.size === 0) return "The file is empty.";
  if (file.size > MAX_DOCUMENT_BYTES) {
    const mib = (file.size / (1024 * 1024)).toFixed(1);
    return `The file is ${mib} MiB; the limit is 5 MiB.`;
  }
  return null;
}

/** Strips the `data:<mime>;base64,` prefix of a data URL. */
export function base64FromDataUrl(dataUrl: string): string {
  const comma = dataUrl.indexOf(",");
  return comma === -1 ? dataUrl : dataUrl.slice(comma + 1);
}

/** Reads a file as plain base64 (no data: prefix). */
export function readFileAsBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(base64FromDataUrl(String(reader.result ?? "")));
    reader.onerror = () => reject(reader.error ?? new Error("Could not read the file"));
    reader.readAsDataURL(file);
  });
}

export async function toDocumentUpload(file: File): Promise<DocumentUpload> {
  return { file_name: file.name, content_base64: await readFileAsBase64(file) };
}
