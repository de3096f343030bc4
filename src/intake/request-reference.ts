const REFERENCE = /\bCR-[A-Z0-9]{8,}\b/;

/** The reference of an existing request, from the subject first (replies keep it there), else the body. */
export function findRequestReference(subject: string, body: string): string | null {
  return REFERENCE.exec(subject)?.[0] ?? REFERENCE.exec(body)?.[0] ?? null;
}
