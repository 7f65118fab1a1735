/**
 * The error value every BLE parser returns instead of throwing: the same shape as the Wi-Fi
 * parsers' FrameError, so one source can count skipped records of both media alike.
 */
export {
  frameError as bleError,
  isFrameError as isBleError,
  type FrameError as BleError,
} from '../frameError.ts';
