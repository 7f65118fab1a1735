/** Bluetooth SIG company identifier -> company name, from the generated table. */
import { BLUETOOTH_COMPANY_IDS } from '../../identity/bluetoothCompanies.generated.ts';

export function companyName(id: number): string | undefined {
  return Number.isInteger(id) && id >= 0 && id <= 0xffff ? BLUETOOTH_COMPANY_IDS[id] : undefined;
}
