/** The error value the Wi-Fi frame parsers return instead of throwing. */
export interface FrameError {
  /** Stable reason key for counting, e.g. 'truncated-radiotap'. */
  error: string;
  /** Human-readable detail; wording may change. */
  message: string;
}

export function frameError(error: string, message: string): FrameError {
  return { error, message };
}

export function isFrameError(value: unknown): value is FrameError {
  return (
    typeof value === 'object' && value !== null && typeof (value as { error?: unknown }).error === 'string'
  );
}
