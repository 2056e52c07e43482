/** On every container and image brink creates. */
export const LABEL = "dev.brink";
/** The run that created it, so an interrupted run can find what it left. */
export const LABEL_RUN = "dev.brink.run";
/** The probe image's input hash. */
export const LABEL_INPUTS = "dev.brink.inputs";

/** A fresh run id: time and randomness, short enough to read. */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
}
