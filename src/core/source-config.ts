// The pods a policy applies to, as backends read them. Apart from the EgressSource value object so
// that the shared vocabulary (describe, policy-config) reads it without importing the value object.

/**
 * The workloads a policy applies to, resolved for a backend.
 */
export interface SourceConfig {
  /** Namespace of the selected pods. */
  readonly namespace: string;
  /**
   * Labels the pods must carry (matchLabels).
   * @default - every pod of the namespace
   */
  readonly podLabels?: Record<string, string>;
}
