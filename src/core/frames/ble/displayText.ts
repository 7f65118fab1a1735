/**
 * Display form of attacker-controlled bytes (BLE local names): UTF-8 when the bytes are valid
 * UTF-8, otherwise printable ASCII kept and every other byte written as `\xNN`. Control characters
 * are escaped in both cases so a name can never break a log line or a table cell.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function escapeByte(b: number): string {
  return '\\x' + b.toString(16).padStart(2, '0');
}

/** C0 controls, DEL and C1 controls. */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code < 0xa0);
}

export function displayText(data: Uint8Array, offset: number, end: number): string {
  // Many devices pad names with NULs; they are not part of the name.
  let stop = Math.min(end, data.length);
  while (stop > offset && data[stop - 1] === 0) stop--;
  const bytes = data.subarray(offset, stop);
  let text: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = undefined;
  }
  let out = '';
  if (text !== undefined) {
    for (const ch of text) {
      const code = ch.codePointAt(0)!;
      out += isControl(code) ? escapeByte(code) : ch;
    }
    return out;
  }
  for (const b of bytes) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : escapeByte(b);
  return out;
}
