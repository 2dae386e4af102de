// The Istio egress gateway provider: its options with their defaults and checks, and the binding
// of one EgressGateway to the Istio data plane.
import { Construct } from 'constructs';
import { IstioGatewayBinding } from './binding';
import { EgressGatewayPort, IstioEgressGatewayOptions } from './options';
import { EgressError, Problem } from '../../core/egress-error';
import { EgressErrorCode } from '../../core/errors';
import { num, optionalStruct, required, str, stringMap, struct } from '../../core/inputs';
import { labelProblems, namespaceProblems, sortedLabels } from '../../core/names';
import { isPortNumber } from '../../core/port-number';
import { GatewaySettings, IGatewayBinding } from '../binding';
import { IEgressGatewayProvider } from '../provider';

const GATEWAY_PORT = struct({
  port: required(num(), 'give the Service port, e.g. { port: 443, targetPort: 8443 }'),
  targetPort: required(num(), 'give the container port behind it, e.g. { port: 443, targetPort: 8443 }'),
});

/** Checks `EgressGatewayProvider.istio()` options by shape. */
const ISTIO_GATEWAY_OPTIONS = optionalStruct({
  namespace: str({ example: 'istio-system' }),
  selector: stringMap,
  serviceHost: str({ example: 'istio-egressgateway.istio-system.svc.cluster.local' }),
  tlsPort: GATEWAY_PORT,
  httpPort: GATEWAY_PORT,
  rootNamespace: str({ example: 'istio-system' }),
  trustDomain: str({ example: 'cluster.local' }),
  controlPlaneNamespace: str({ example: 'istio-system' }),
  controlPlaneLabels: stringMap,
  controlPlanePort: num(),
});

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * An Istio egress gateway (Envoy, `networking.istio.io` Gateway), as `EgressGatewayProvider.istio()`
 * returns it.
 */
export class IstioEgressGatewayProvider implements IEgressGatewayProvider {
  /**
   * The provider for these options (validated when a gateway uses it).
   * @internal
   */
  public static _of(options: IstioEgressGatewayOptions = {}): IstioEgressGatewayProvider {
    const problems = ISTIO_GATEWAY_OPTIONS(options, 'EgressGatewayProvider.istio() options');
    return problems.length > 0 ? new IstioEgressGatewayProvider({}, problems) : new IstioEgressGatewayProvider(options);
  }

  /** `istio`. */
  public readonly id: string = 'istio';
  /** `Istio egress gateway`. */
  public readonly displayName: string = 'Istio egress gateway';
  /** Namespace of the gateway pods. */
  public readonly namespace: string;
  /** Labels of the gateway pods. */
  public readonly selector: Record<string, string>;
  /** Hostname of the gateway Service. */
  public readonly serviceHost: string;
  /** Port for TLS traffic. */
  public readonly tlsPort: EgressGatewayPort;
  /** Port for HTTP traffic. */
  public readonly httpPort: EgressGatewayPort;
  /** Istio root namespace. */
  public readonly rootNamespace: string;
  /** Trust domain of workload identities. */
  public readonly trustDomain: string;
  /** Namespace of istiod. */
  public readonly controlPlaneNamespace: string;
  /** Labels of istiod. */
  public readonly controlPlaneLabels: Record<string, string>;
  /** istiod's xDS port. */
  public readonly controlPlanePort: number;

  private readonly inputProblems: readonly Problem[];

  private constructor(options: IstioEgressGatewayOptions, inputProblems: readonly Problem[] = []) {
    this.inputProblems = inputProblems;
    this.namespace = options.namespace ?? 'istio-system';
    this.selector = sortedLabels(options.selector ?? { istio: 'egressgateway' });
    this.serviceHost = options.serviceHost ?? `istio-egressgateway.${this.namespace}.svc.cluster.local`;
    this.tlsPort = options.tlsPort ?? { port: 443, targetPort: 8443 };
    this.httpPort = options.httpPort ?? { port: 80, targetPort: 8080 };
    this.rootNamespace = options.rootNamespace ?? 'istio-system';
    this.trustDomain = options.trustDomain ?? 'cluster.local';
    this.controlPlaneNamespace = options.controlPlaneNamespace ?? 'istio-system';
    this.controlPlaneLabels = sortedLabels(options.controlPlaneLabels ?? { app: 'istiod' });
    this.controlPlanePort = options.controlPlanePort ?? 15012;
  }

  /** @internal */
  public _problems(): Problem[] {
    if (this.inputProblems.length > 0) return [...this.inputProblems];
    const problems: Problem[] = [
      ...namespaceProblems(this.namespace, 'gateway namespace'),
      ...namespaceProblems(this.rootNamespace, 'root namespace'),
      ...namespaceProblems(this.controlPlaneNamespace, 'control plane namespace'),
      ...labelProblems(this.selector, 'the gateway selector'),
      ...labelProblems(this.controlPlaneLabels, 'the control plane labels'),
    ];
    if (Object.keys(this.selector).length === 0) {
      problems.push({ code: EgressErrorCode.EMPTY_SELECTOR, message: `The gateway selector is empty, which would select every pod of namespace "${this.namespace}". Pass the gateway pods' labels, e.g. { istio: 'egressgateway' }` });
    }
    if (Object.keys(this.controlPlaneLabels).length === 0) {
      problems.push({ code: EgressErrorCode.EMPTY_SELECTOR, message: 'controlPlaneLabels is empty, which would select every pod of the control plane namespace. Pass istiod\'s labels, e.g. { app: \'istiod\' }' });
    }
    for (const [what, p] of [['tlsPort', this.tlsPort], ['httpPort', this.httpPort]] as const) {
      if (!isPortNumber(p.port) || !isPortNumber(p.targetPort)) {
        problems.push({ code: EgressErrorCode.INVALID_PORT, message: `Invalid ${what} { port: ${p.port}, targetPort: ${p.targetPort} }: both must be whole numbers from 1 to 65535` });
      }
    }
    if (this.tlsPort.port === this.httpPort.port || this.tlsPort.targetPort === this.httpPort.targetPort) {
      problems.push({ code: EgressErrorCode.CONFLICTING_OPTIONS, message: `tlsPort and httpPort must differ (both use ${this.tlsPort.port === this.httpPort.port ? `port ${this.tlsPort.port}` : `targetPort ${this.tlsPort.targetPort}`}): TLS and HTTP need separate gateway listeners` });
    }
    if (!isPortNumber(this.controlPlanePort)) {
      problems.push({ code: EgressErrorCode.INVALID_PORT, message: `Invalid controlPlanePort ${this.controlPlanePort}: ports must be whole numbers from 1 to 65535` });
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(this.serviceHost)) {
      problems.push({ code: EgressErrorCode.INVALID_FQDN, message: `Invalid serviceHost "${this.serviceHost}": use the gateway Service's fully qualified name, e.g. "istio-egressgateway.${this.namespace}.svc.cluster.local"` });
    }
    return problems;
  }

  /** @internal */
  public _bind(gateway: Construct, settings: GatewaySettings): IGatewayBinding {
    if (settings.name !== undefined && !DNS1123_LABEL.test(settings.name)) {
      throw EgressError.at(gateway, EgressErrorCode.INVALID_NAME,
        `Invalid gateway name "${settings.name}": Istio requires Gateway names to be DNS labels (lower-case letters, digits and '-', no dots, at most 63 characters)`);
    }
    return new IstioGatewayBinding(gateway, this, settings);
  }
}
