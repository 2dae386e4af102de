// A port as backends read it: the transport protocol, the range and the application protocol.
// Apart from the Port value object so that the shared vocabulary (describe, policy-config) reads it
// without importing the value object.

/**
 * Transport protocol of a port.
 */
export enum Protocol {
  /** TCP. */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
  /** SCTP (needs a CNI that supports it). */
  SCTP = 'SCTP',
}

/**
 * The application protocol carried on a TCP port. Backends with L7 awareness use it (Istio
 * ServiceEntry port protocols, Cilium L7 rules); L3/L4 backends ignore it.
 */
export enum AppProtocol {
  /** Plain HTTP/1.1. */
  HTTP = 'HTTP',
  /** HTTPS (TLS carrying HTTP; routed by SNI without termination). */
  HTTPS = 'HTTPS',
  /** Any TLS (routed by SNI). */
  TLS = 'TLS',
  /** HTTP/2 (cleartext). */
  HTTP2 = 'HTTP2',
  /** gRPC. */
  GRPC = 'GRPC',
  /** Opaque TCP. */
  TCP = 'TCP',
}

/**
 * A port, a port range or a whole protocol, as resolved for a backend.
 */
export interface PortConfig {
  /** Transport protocol. */
  readonly protocol: Protocol;
  /**
   * First port of the range.
   * @default - every port of the protocol
   */
  readonly port?: number;
  /**
   * Last port of the range, inclusive.
   * @default - a single port (`port`)
   */
  readonly endPort?: number;
  /**
   * Application protocol on the port (TCP only).
   * @default - unknown (opaque)
   */
  readonly appProtocol?: AppProtocol;
}
