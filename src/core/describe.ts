// Human-readable text for the library's values, in one place: errors, warnings, the report and
// monitoring all describe sources, destinations and ports the same way.
import { SourceConfig } from './source';

/** `Pods app=web in namespace shop`, or `Every pod in namespace shop`. */
export function describeSource(s: SourceConfig): string {
  return s.podLabels
    ? `Pods ${Object.entries(s.podLabels).map(([k, v]) => `${k}=${v}`).join(',')} in namespace ${s.namespace}`
    : `Every pod in namespace ${s.namespace}`;
}
