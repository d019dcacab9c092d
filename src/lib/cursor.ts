// The position in a list a page ends at, as an opaque token. A cursor this API did not issue decodes to -1,
// so that it is refused rather than read as "from the start".
export const encodeCursor = (seq: number): string => btoa(`seq:${seq}`).replace(/=+$/, "");

export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const m = /^seq:(\d{1,15})$/.exec(atob(cursor));
    if (m) return Number(m[1]);
  } catch {}
  return -1;
}
