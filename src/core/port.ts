import { describePort } from './describe';
import { Problem } from './egress-error';
import { EgressErrorCode } from './errors';
import { argProblem, num, oneOf, raiseUnscoped, struct } from './inputs';
import { isPortNumber } from './port-number';
import { registerFactories, show } from '../util/show';

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

const PROTOCOLS: ReadonlySet<string> = new Set(Object.values(Protocol));

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
  /**
   * Application protocol (TCP only).
   * @default - unknown (opaque)
   */
  readonly appProtocol?: AppProtocol;
}

/** How a port was asked for: the factory and its arguments as given. */
interface FactoryCall {
  readonly factory: string;
  readonly args: readonly unknown[];
  /** Problems already found (Port.of()). */
  readonly problems?: readonly Problem[];
}

const PORT_PROPS = struct({
  protocol: { check: oneOf(Protocol, 'Protocol'), required: 'give the transport protocol, e.g. Port.of({ protocol: Protocol.TCP, port: 443 })' },
  port: num(),
  endPort: num(),
  appProtocol: oneOf(AppProtocol, 'AppProtocol'),
});

/** The everything-port factory of each single-port factory, for the fix of a missing port. */
const ALL_PORTS: Record<string, string> = { tcp: 'Port.allTcp()', udp: 'Port.allUdp()', https: '', tls: '', http: '', grpc: '', sctp: '' };

/**
 * Problems of the arguments of a port factory: a missing number (a port read from configuration
 * that is not there) must not turn into every port, and a number given as a string is refused
 * rather than guessed.
 */
function argumentProblems(call: FactoryCall): Problem[] {
  const names = call.args.length === 2 ? ['start', 'end'] : ['port'];
  const problems: Problem[] = [];
  call.args.forEach((v, i) => {
    const where = `Port.${call.factory}() ${names[i]}`;
    if (v === undefined || v === null) {
      const every = ALL_PORTS[call.factory];
      problems.push(argProblem(where, v, 'a port number from 1 to 65535',
        `A missing port never means every port${every ? `: for every port write ${every}` : ''}`));
    } else if (typeof v !== 'number') {
      const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined;
      const fixed = n === undefined ? undefined : `Port.${call.factory}(${call.args.map((a, j) => (j === i ? String(n) : show(a))).join(', ')})`;
      problems.push(argProblem(where, v, 'a port number from 1 to 65535', fixed ? `Did you mean ${fixed}?` : undefined));
    }
  });
  return problems;
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
  /** HTTPS: TCP 443, carrying TLS+HTTP. */
  public static readonly HTTPS: Port = Port.https(443);
  /** HTTP: TCP 80, carrying HTTP. */
  public static readonly HTTP: Port = Port.http(80);
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
    return new Port(Protocol.TCP, port, undefined, undefined, { factory: 'tcp', args: [port] });
  }

  /** TCP port `port` carrying HTTPS (TLS; SNI-routable). */
  public static https(port: number): Port {
    return new Port(Protocol.TCP, port, undefined, AppProtocol.HTTPS, { factory: 'https', args: [port] });
  }

  /** TCP port `port` carrying TLS (SNI-routable). */
  public static tls(port: number): Port {
    return new Port(Protocol.TCP, port, undefined, AppProtocol.TLS, { factory: 'tls', args: [port] });
  }

  /** TCP port `port` carrying plain HTTP. */
  public static http(port: number): Port {
    return new Port(Protocol.TCP, port, undefined, AppProtocol.HTTP, { factory: 'http', args: [port] });
  }

  /** TCP port `port` carrying gRPC. */
  public static grpc(port: number): Port {
    return new Port(Protocol.TCP, port, undefined, AppProtocol.GRPC, { factory: 'grpc', args: [port] });
  }

  /** UDP port `port`. */
  public static udp(port: number): Port {
    return new Port(Protocol.UDP, port, undefined, undefined, { factory: 'udp', args: [port] });
  }

  /** SCTP port `port`. */
  public static sctp(port: number): Port {
    return new Port(Protocol.SCTP, port, undefined, undefined, { factory: 'sctp', args: [port] });
  }

  /** TCP ports `start` to `end`, inclusive. */
  public static tcpRange(start: number, end: number): Port {
    return new Port(Protocol.TCP, start, end, undefined, { factory: 'tcpRange', args: [start, end] });
  }

  /** UDP ports `start` to `end`, inclusive. */
  public static udpRange(start: number, end: number): Port {
    return new Port(Protocol.UDP, start, end, undefined, { factory: 'udpRange', args: [start, end] });
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
    const problems = PORT_PROPS(props, 'Port.of() props');
    // A protocol that is a string but not one of Protocol keeps its own message (with the fix).
    const typeProblems = problems.filter((p) => !(typeof props?.protocol === 'string' && p.message.startsWith('Port.of() props.protocol ')));
    if (typeProblems.length > 0) return new Port(Protocol.TCP, undefined, undefined, undefined, { factory: 'of', args: [props], problems: typeProblems });
    return new Port(props.protocol, props.port, props.endPort, props.appProtocol);
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
  /**
   * Application protocol.
   * @default - unknown (opaque)
   */
  public readonly appProtocol?: AppProtocol;

  private config?: PortConfig;
  /** Problems with the arguments as given (missing or of the wrong type), found by the factory. */
  private readonly inputProblems: readonly Problem[];
  /** Every problem of this port, found once when it is built (a port is a value: it never changes). */
  private readonly problems: readonly Problem[];
  private readonly call?: FactoryCall;

  private constructor(protocol: Protocol, port?: number, endPort?: number, appProtocol?: AppProtocol, call?: FactoryCall) {
    this.protocol = protocol;
    this.startPort = port;
    this.endPort = endPort;
    this.appProtocol = appProtocol;
    this.call = call;
    this.inputProblems = call ? call.problems ?? argumentProblems(call) : [];
    this.problems = Object.freeze(this.inputProblems.length > 0 ? [...this.inputProblems] : portProblems(protocol, port, endPort, appProtocol));
  }

  /** The port as a backend-neutral struct. Throws EGRESS_INVALID_ARGUMENT for a port built from arguments of the wrong type. */
  public toConfig(): PortConfig {
    raiseUnscoped(this.inputProblems);
    // Ports are values: the config is computed once (and frozen, as it is shared).
    this.config ??= Object.freeze({
      protocol: this.protocol,
      ...(this.startPort !== undefined ? { port: this.startPort } : {}),
      ...(this.endPort !== undefined && this.endPort !== this.startPort ? { endPort: this.endPort } : {}),
      ...(this.appProtocol !== undefined ? { appProtocol: this.appProtocol } : {}),
    });
    return this.config;
  }

  /** Human-readable form, e.g. `TCP/443`, `TCP/8000-8080`, `UDP/*`. */
  public toString(): string {
    if (this.call && this.inputProblems.length > 0) return `Port.${this.call.factory}(${this.call.args.map((a) => show(a)).join(', ')}) (invalid)`;
    return describePort({ protocol: this.protocol, port: this.startPort, endPort: this.endPort, appProtocol: this.appProtocol });
  }

  /**
   * The problems of this port (none when it is valid), found by its factory. @internal
   */
  public _problems(): readonly Problem[] {
    return this.problems;
  }
}

/** The rules of a port built from values of the right types: the protocol, the application protocol and the numbers. */
function portProblems(protocol: Protocol, port: number | undefined, endPort: number | undefined, appProtocol: AppProtocol | undefined): Problem[] {
  if (!PROTOCOLS.has(protocol)) {
    const match = typeof protocol === 'string' ? [...PROTOCOLS].find((p) => p.toLowerCase() === (protocol as string).toLowerCase()) : undefined;
    return [{
      code: EgressErrorCode.INVALID_PORT,
      message: `Invalid protocol ${show(protocol)}: use Protocol.TCP, Protocol.UDP or Protocol.SCTP${match ? `. Did you mean Protocol.${match}?` : ''}`,
    }];
  }
  if (appProtocol !== undefined && protocol !== Protocol.TCP) {
    return [{ code: EgressErrorCode.INVALID_PORT, message: `Invalid port ${protocol}/${port}: application protocol ${appProtocol} needs TCP` }];
  }
  if (appProtocol !== undefined && (port === undefined || (endPort !== undefined && endPort !== port))) {
    return [{ code: EgressErrorCode.INVALID_PORT, message: `Invalid port: application protocol ${appProtocol} needs a single port, not a range or every port` }];
  }
  if (port === undefined) {
    if (endPort !== undefined) {
      return [{ code: EgressErrorCode.INVALID_PORT, message: `Invalid port range: endPort ${endPort} given without a start port. Use Port.${protocol.toLowerCase()}Range(from, ${endPort})` }];
    }
    return [];
  }
  if (!isPortNumber(port)) {
    return [{ code: EgressErrorCode.INVALID_PORT, message: `Invalid port ${port}: ports must be whole numbers from 1 to 65535` }];
  }
  if (endPort !== undefined) {
    if (!isPortNumber(endPort)) {
      return [{ code: EgressErrorCode.INVALID_PORT, message: `Invalid end port ${endPort}: ports must be whole numbers from 1 to 65535` }];
    }
    if (endPort < port) {
      return [{ code: EgressErrorCode.INVALID_PORT, message: `Invalid port range ${port}-${endPort}: the range is reversed. Did you mean ${endPort}-${port}?` }];
    }
  }
  return [];
}

registerFactories(Port, 'Port');
