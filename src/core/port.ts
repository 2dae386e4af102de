import { EgressErrorCode } from './errors';
import { Problem } from '../private/egress-error';

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
}

/**
 * Options for `Port.of`.
 */
export interface PortProps {
  /** Transport protocol. */
  readonly protocol: Protocol;
  /**
   * Port number (1-65535).
   * @default - every port of the protocol
   */
  readonly port?: number;
  /**
   * Last port of a range, inclusive (needs `port`).
   * @default - a single port
   */
  readonly endPort?: number;
}

/**
 * A destination port: TCP/UDP/SCTP, a single port, a range or a whole protocol.
 *
 * Ports are value objects: build them with the static factories, no scope needed.
 * Invalid numbers are reported, with the construct path, by the construct that uses the port.
 *
 * @example
 * Port.tcp(443);
 * Port.tcpRange(8000, 8080);
 * Port.DNS_UDP;
 */
export class Port {
  /** HTTPS: TCP 443. */
  public static readonly HTTPS: Port = Port.tcp(443);
  /** HTTP: TCP 80. */
  public static readonly HTTP: Port = Port.tcp(80);
  /** DNS over UDP: UDP 53. */
  public static readonly DNS_UDP: Port = Port.udp(53);
  /** DNS over TCP: TCP 53 (truncated answers, RFC 7766). */
  public static readonly DNS_TCP: Port = Port.tcp(53);
  /** PostgreSQL: TCP 5432. */
  public static readonly POSTGRES: Port = Port.tcp(5432);
  /** MySQL: TCP 3306. */
  public static readonly MYSQL: Port = Port.tcp(3306);
  /** Redis: TCP 6379. */
  public static readonly REDIS: Port = Port.tcp(6379);
  /** Kubernetes API server on its usual secure port: TCP 6443. */
  public static readonly KUBE_API_SERVER: Port = Port.tcp(6443);

  /** TCP port `port`. */
  public static tcp(port: number): Port {
    return new Port(Protocol.TCP, port);
  }

  /** UDP port `port`. */
  public static udp(port: number): Port {
    return new Port(Protocol.UDP, port);
  }

  /** SCTP port `port`. */
  public static sctp(port: number): Port {
    return new Port(Protocol.SCTP, port);
  }

  /** TCP ports `from` to `to`, inclusive. */
  public static tcpRange(from: number, to: number): Port {
    return new Port(Protocol.TCP, from, to);
  }

  /** UDP ports `from` to `to`, inclusive. */
  public static udpRange(from: number, to: number): Port {
    return new Port(Protocol.UDP, from, to);
  }

  /** Every TCP port. */
  public static allTcp(): Port {
    return new Port(Protocol.TCP);
  }

  /** Every UDP port. */
  public static allUdp(): Port {
    return new Port(Protocol.UDP);
  }

  /** A port from explicit properties. */
  public static of(props: PortProps): Port {
    return new Port(props.protocol, props.port, props.endPort);
  }

  /** Transport protocol. */
  public readonly protocol: Protocol;
  /**
   * First port.
   * @default - every port of the protocol
   */
  public readonly startPort?: number;
  /**
   * Last port of a range, inclusive.
   * @default - a single port
   */
  public readonly endPort?: number;

  private constructor(protocol: Protocol, port?: number, endPort?: number) {
    this.protocol = protocol;
    this.startPort = port;
    this.endPort = endPort;
  }

  /** The port as a backend-neutral struct. */
  public toConfig(): PortConfig {
    return {
      protocol: this.protocol,
      ...(this.startPort !== undefined ? { port: this.startPort } : {}),
      ...(this.endPort !== undefined && this.endPort !== this.startPort ? { endPort: this.endPort } : {}),
    };
  }

  /** Human-readable form, e.g. `TCP/443`, `TCP/8000-8080`, `UDP/*`. */
  public toString(): string {
    const range = this.startPort === undefined ? '*' : this.endPort !== undefined && this.endPort !== this.startPort ? `${this.startPort}-${this.endPort}` : `${this.startPort}`;
    return `${this.protocol}/${range}`;
  }

  /** @internal */
  public _problems(): Problem[] {
    const valid = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
    if (!Object.values(Protocol).includes(this.protocol)) {
      return [{ code: EgressErrorCode.INVALID_PORT, message: `Invalid protocol "${String(this.protocol)}": use Protocol.TCP, Protocol.UDP or Protocol.SCTP` }];
    }
    if (this.startPort === undefined) {
      if (this.endPort !== undefined) {
        return [{ code: EgressErrorCode.INVALID_PORT, message: `Invalid port range: endPort ${this.endPort} given without a start port. Use Port.${this.protocol.toLowerCase()}Range(from, ${this.endPort})` }];
      }
      return [];
    }
    if (!valid(this.startPort)) {
      return [{ code: EgressErrorCode.INVALID_PORT, message: `Invalid port ${this.startPort}: ports must be whole numbers from 1 to 65535` }];
    }
    if (this.endPort !== undefined) {
      if (!valid(this.endPort)) {
        return [{ code: EgressErrorCode.INVALID_PORT, message: `Invalid end port ${this.endPort}: ports must be whole numbers from 1 to 65535` }];
      }
      if (this.endPort < this.startPort) {
        return [{ code: EgressErrorCode.INVALID_PORT, message: `Invalid port range ${this.startPort}-${this.endPort}: the range is reversed. Did you mean ${this.endPort}-${this.startPort}?` }];
      }
    }
    return [];
  }
}
