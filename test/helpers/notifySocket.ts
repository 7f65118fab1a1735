/**
 * A stand-in for systemd's notification socket: a unix datagram socket (Node has none, so a
 * small python3 program holds it) that records each message with its arrival time and, as the
 * service manager does, closes the file descriptors a message carries, which is what
 * `systemd-notify`'s barrier waits for.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from './paths.ts';

export const SKIP_NO_NOTIFY: false | string = !hasCommand('systemd-notify')
  ? 'needs systemd-notify (apt-get install systemd)'
  : !hasCommand('python3')
    ? 'needs python3 to hold a unix datagram socket'
    : false;

const RECEIVER = `
import json, os, socket, sys, time
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
print(json.dumps({"listening": True}), flush=True)
while True:
    data, anc, flags, addr = s.recvmsg(4096, socket.CMSG_SPACE(64 * 4))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            for i in range(0, len(payload) - len(payload) % 4, 4):
                os.close(int.from_bytes(payload[i:i + 4], sys.byteorder))
    print(json.dumps({"t": time.monotonic(), "text": data.decode("utf-8", "replace")}), flush=True)
`;

export interface NotifyMessage {
  /** Seconds, monotonic, as the receiver saw it. */
  t: number;
  text: string;
}

export interface NotifySocket {
  path: string;
  /** Every message but the barriers systemd-notify sends after each one. */
  messages: NotifyMessage[];
  stop(): Promise<void>;
}

export async function startNotifySocket(): Promise<NotifySocket> {
  const path = join(mkdtempSync(join(tmpdir(), 'airtrace-notify-')), 'notify');
  const child = spawn('python3', ['-c', RECEIVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: NotifyMessage[] = [];
  let buffered = '';
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, newline)) as NotifyMessage & { listening?: boolean };
      buffered = buffered.slice(newline + 1);
      if (line.listening) listening();
      else if (line.text !== 'BARRIER=1') messages.push({ t: line.t, text: line.text });
    }
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await ready;
  if (!existsSync(path)) throw new Error('the notification socket did not appear');
  return {
    path,
    messages,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
