/** Random ids made of letters and digits only: valid in a topic level (shared/ids.ts). */
export function randomId(length = 12): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let id = '';
  // 256 is not a multiple of 36: the slight bias is harmless for uniqueness.
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}
