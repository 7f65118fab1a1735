/**
 * The method calls the stand-in BlueZ received, stamped with the injected clock, so tests can
 * check what the scanner asked for and when; and errors queued to answer the next call of a name.
 */
import { DBusError } from 'dbus-next';

export interface FakeCall {
  /** The injected clock's time when the call arrived. */
  t: number;
  path: string;
  member: string;
  args: unknown[];
}

export class FakeCallLog {
  readonly calls: FakeCall[] = [];
  private readonly failures = new Map<string, DBusError>();

  /** `adapterPath` is where every call but GetManagedObjects (on `/`) is addressed. */
  constructor(
    private readonly now: () => number,
    private readonly adapterPath: string,
  ) {}

  /** The calls named `member`, in order. */
  callsOf(member: string): FakeCall[] {
    return this.calls.filter((c) => c.member === member);
  }

  /** The next call of `member` ('StartDiscovery', 'Set.Powered', ...) fails with this D-Bus error. */
  failNext(member: string, errorName: string, text: string): void {
    this.failures.set(member, new DBusError(errorName, text));
  }

  /** Logs a call; throws the failure queued for it, which dbus-next sends back as the reply. */
  record(member: string, args: unknown[]): void {
    this.calls.push({
      t: this.now(),
      path: member === 'GetManagedObjects' ? '/' : this.adapterPath,
      member,
      args,
    });
    const failure = this.failures.get(member);
    if (failure !== undefined) {
      this.failures.delete(member);
      throw failure;
    }
  }
}
