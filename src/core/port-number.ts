// The port-number rule, written once: Port's factories, the gateway's ports and the Helm values
// of CiliumEgressGatewayValues all check numbers with it (each keeps its own message and fix).
// Not exported from the package: the public vocabulary is Port.

/** True for a port number Kubernetes accepts: a whole number from 1 to 65535. */
export function isPortNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}
