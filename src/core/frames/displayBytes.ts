/**
 * Display form of attacker-controlled bytes (SSIDs, BLE names): UTF-8 when the bytes are valid
 * UTF-8, otherwise printable ASCII kept and every other byte written as `\xNN`. Control characters
 * (C0, DEL, C1) are escaped in both cases, so the text can never break a log line or a table cell.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function escapeCode(code: number): string {
  return '\\x' + code.toString(16).padStart(2, '0');
}

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code < 0xa0);
}

export function displayBytes(bytes: Uint8Array): string {
  let printable = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e) {
      printable = false;
      break;
    }
  }
  if (printable) return String.fromCharCode.apply(null, bytes as unknown as number[]);
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
      out += isControl(code) ? escapeCode(code) : ch;
    }
    return out;
  }
  for (const b of bytes) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : escapeCode(b);
  return out;
}
