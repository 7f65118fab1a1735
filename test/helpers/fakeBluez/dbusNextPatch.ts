/**
 * dbus-next 0.10.2 cannot send a dictionary with integer keys (BlueZ's ManufacturerData is
 * `a{qv}`): JavaScript object keys are strings and its marshaller insists on numbers
 * (dbusjs/node-dbus-next#79, fix proposed in #100, unreleased). The stand-in BlueZ has to send
 * them, so for the test process integer marshallers accept decimal strings, as that fix does.
 * The scanner only receives such dictionaries, which dbus-next decodes fine.
 */
import { createRequire } from 'node:module';

const INTEGER_TYPES = new Set(['y', 'n', 'q', 'i', 'u']);

interface Marshallers {
  MakeSimpleMarshaller(signature: string): { marshall(ps: unknown, data: unknown): void };
  __airtraceIntegerKeys?: boolean;
}

export function allowIntegerDictKeys(): void {
  const require = createRequire(import.meta.url);
  const marshallers = require('dbus-next/lib/marshallers.js') as Marshallers;
  if (marshallers.__airtraceIntegerKeys === true) return;
  const make = marshallers.MakeSimpleMarshaller;
  marshallers.MakeSimpleMarshaller = (signature: string) => {
    const marshaller = make(signature);
    if (!INTEGER_TYPES.has(signature)) return marshaller;
    const marshall = marshaller.marshall.bind(marshaller);
    marshaller.marshall = (ps, data) =>
      marshall(ps, typeof data === 'string' && /^-?\d+$/.test(data) ? Number(data) : data);
    return marshaller;
  };
  marshallers.__airtraceIntegerKeys = true;
}
