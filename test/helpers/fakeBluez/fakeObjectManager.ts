/** The stand-in's org.freedesktop.DBus.ObjectManager at `/`: how the scanner learns what exists. */
import { interface as dbusInterface } from 'dbus-next';
import type { InterfacesAndProperties } from './fakeProperties.ts';

const { Interface } = dbusInterface;

/** What the object manager asks of the service behind it. */
export interface ObjectManagerOwner {
  record(member: string, args: unknown[]): void;
  managedObjects(): Record<string, InterfacesAndProperties>;
}

export class FakeObjectManager extends Interface {
  constructor(private readonly owner: ObjectManagerOwner) {
    super('org.freedesktop.DBus.ObjectManager');
  }

  GetManagedObjects(): Record<string, InterfacesAndProperties> {
    this.owner.record('GetManagedObjects', []);
    return this.owner.managedObjects();
  }

  // Signals: dbus-next sends what these return when they are called.
  InterfacesAdded(path: string, interfaces: InterfacesAndProperties): unknown[] {
    return [path, interfaces];
  }

  InterfacesRemoved(path: string, interfaces: string[]): unknown[] {
    return [path, interfaces];
  }
}
FakeObjectManager.configureMembers({
  methods: { GetManagedObjects: { outSignature: 'a{oa{sa{sv}}}' } },
  signals: { InterfacesAdded: { signature: 'oa{sa{sv}}' }, InterfacesRemoved: { signature: 'oas' } },
});
