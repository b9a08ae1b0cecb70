/** A demo step that failed: names the step, keeps the cause for the message. */
export class DemoStepError extends Error {
  readonly step: string;

  /**
   * @example
   * throw new DemoStepError('uploading M02 files over SFTP', cause);
   */
  constructor(step: string, cause: unknown) {
    super(`step "${step}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'DemoStepError';
    this.step = step;
  }
}
