/**
 * What a decryption engine hands the stream wrapper: plaintext as it decrypts, then
 * a verdict. Engines never decide when the caller may commit; `finish` does.
 */
export interface TPlaintextSource {
  /** Next plaintext bytes, or undefined after the last (nothing verified yet). */
  read(): Promise<Uint8Array | undefined>;
  /**
   * Called once `read` returned undefined: resolves with the signer only when the
   * integrity check and a signature by an allowed key both passed; otherwise
   * rejects with a decryption rejection.
   */
  finish(): Promise<{ signerFingerprint: string }>;
  /** Stops the engine and frees what it holds (process, temp home, input); idempotent. */
  close(): Promise<void>;
}
