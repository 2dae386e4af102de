import { ApiObject, Chart, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { checkContext } from '../core/context';
import { EgressError, raise } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { constructScope, num, optionalStruct, str } from '../core/inputs';
import { namespaceProblems, objectNameProblems } from '../core/names';
import { isPortNumber } from '../core/port-number';
import { claimObjectName } from '../emit/objects';

export const CILIUM_VALUES_PROPS = optionalStruct({
  name: str({ example: 'egress-control' }),
  namespace: str({ example: 'flux-system' }),
  valuesKey: str({ example: 'values.yaml' }),
  k8sServiceHost: str({ example: 'api.cluster.example' }),
  k8sServicePort: num(),
});

/** ConfigMap keys: letters, digits, '-', '_' and '.' (Kubernetes validation). */
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Properties of `CiliumEgressGatewayValues`.
 */
export interface CiliumEgressGatewayValuesProps {
  /**
   * Name of the ConfigMap.
   * @default 'cilium-egress'
   */
  readonly name?: string;
  /**
   * Namespace of the ConfigMap: the namespace of the Flux `HelmRelease` that reads it.
   * @default - the chart's namespace, else none (the namespace `kubectl` applies it to)
   */
  readonly namespace?: string;
  /**
   * The data key holding the values (Flux `valuesFrom[].valuesKey`).
   * @default 'values.yaml'
   */
  readonly valuesKey?: string;
  /**
   * The API server host, for `kubeProxyReplacement` on clusters without kube-proxy
   * (`k8sServiceHost`).
   * @default - not set (Cilium then reaches the API server through the kubernetes Service)
   */
  readonly k8sServiceHost?: string;
  /**
   * The API server port (`k8sServicePort`).
   * @default - not set
   */
  readonly k8sServicePort?: number;
}

/**
 * The Cilium Helm values the egress gateway needs — `egressGateway.enabled`, `bpf.masquerade`
 * and `kubeProxyReplacement` — as a ConfigMap in the shape of a Flux `HelmRelease`
 * `valuesFrom` source:
 *
 * ```yaml
 * valuesFrom:
 *   - kind: ConfigMap
 *     name: cilium-egress
 *     valuesKey: values.yaml
 * ```
 *
 * Flux merges these values over the release's own values. Restart the Cilium agents and the
 * operator after the values change (Cilium's documentation asks for a rollout restart).
 */
export class CiliumEgressGatewayValues extends Construct {
  /** The emitted objects: one ConfigMap. */
  public readonly apiObjects: ApiObject[];
  /** The values as YAML text (what the ConfigMap holds). */
  public readonly valuesYaml: string;

  public constructor(scope: Construct, id: string, props: CiliumEgressGatewayValuesProps = {}) {
    super(constructScope(scope, id, 'CiliumEgressGatewayValues'), id);
    raise(this, CILIUM_VALUES_PROPS(props, 'CiliumEgressGatewayValues props'));
    checkContext(this);
    props = props ?? {};
    const name = props.name ?? 'cilium-egress';
    const key = props.valuesKey ?? 'values.yaml';
    raise(this, objectNameProblems(name));
    if (props.namespace !== undefined) raise(this, namespaceProblems(props.namespace));
    if (!CONFIG_MAP_KEY.test(key) || key.length > 253) {
      throw EgressError.at(this, EgressErrorCode.INVALID_NAME,
        `Invalid valuesKey "${key}": ConfigMap keys are letters, digits, '-', '_' and '.' (Flux reads "values.yaml" by default)`);
    }
    const port = props.k8sServicePort;
    if (port !== undefined && !isPortNumber(port)) {
      throw EgressError.at(this, EgressErrorCode.INVALID_PORT, `Invalid k8sServicePort ${port}: give a port from 1 to 65535`);
    }
    // Fixed key order, so the text is byte-identical on every synth.
    const values: Record<string, unknown> = {
      egressGateway: { enabled: true },
      bpf: { masquerade: true },
      kubeProxyReplacement: true,
      ...(props.k8sServiceHost !== undefined ? { k8sServiceHost: props.k8sServiceHost } : {}),
      ...(port !== undefined ? { k8sServicePort: port } : {}),
    };
    this.valuesYaml = Yaml.stringify(values);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    // A plain ApiObject: the public API exposes no generated types.
    const configMap = new ApiObject(this, 'Resource', {
      ...k8s.KubeConfigMap.GVK,
      metadata: { name, ...(namespace !== undefined ? { namespace } : {}) },
      data: { [key]: this.valuesYaml },
    });
    claimObjectName(this, 'Resource', configMap);
    this.apiObjects = [configMap];
  }
}
