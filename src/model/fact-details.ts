/**
 * Keys of `EgressFact.details` that `EgressMonitoring` and `EgressReport` read. Constructs that
 * record facts (egress gateways, fixed egress IPs, access logging) set them, and so does a fact
 * recorded by hand with `EgressModel.recordFact()` for a system the library does not render;
 * values are strings.
 * List values are comma-separated, label sets are `key=value` pairs joined by commas, in sorted
 * key order.
 *
 * GATEWAY_ROUTE facts carry their gateway, hosts, legs and control plane typed, in
 * `EgressFact.gatewayRoute`; readers use it when it is set. A GATEWAY_ROUTE fact recorded by hand
 * without it is read from these keys instead: `GATEWAY_NAMESPACE`, `GATEWAY_WORKLOAD` and
 * `GATEWAY_LABELS` are required for monitoring; `PROVIDER` defaults to `istio`; `HOSTS` defaults
 * to the hostnames among the fact's destinations.
 */
export class EgressFactDetails {
  /** Which implementation provides the fact: `istio`, `cilium`, `calico`, `alibaba`, ... */
  public static readonly PROVIDER = 'provider';
  /** GATEWAY_ROUTE: namespace of the gateway Deployment (`istio-system`). */
  public static readonly GATEWAY_NAMESPACE = 'gatewayNamespace';
  /** GATEWAY_ROUTE: name of the gateway Deployment, as Istio's `source_workload` label sees it (`istio-egressgateway`). */
  public static readonly GATEWAY_WORKLOAD = 'gatewayWorkload';
  /** GATEWAY_ROUTE: pod labels of the gateway (`app=istio-egressgateway,istio=egressgateway`). */
  public static readonly GATEWAY_LABELS = 'gatewayLabels';
  /** GATEWAY_ROUTE: external hosts routed through the gateway (`api.external.com,*.googleapis.com`). */
  public static readonly HOSTS = 'hosts';
  /** FIXED_EGRESS_IP: the source address the destination sees (`10.0.0.100`). */
  public static readonly EGRESS_IP = 'egressIp';
  /** ACCESS_LOG: `true` when connections the proxy blocked (BlackHoleCluster) are logged too. */
  public static readonly LOGS_BLOCKED = 'logsBlocked';
  /** OPT_OUT: the safety measure that was turned off. */
  public static readonly OPTION = 'option';
  /** OPT_OUT: why it was turned off. */
  public static readonly REASON = 'reason';
  /** ALERT: the alert name. */
  public static readonly ALERT = 'alert';
  /** ALERT: the alert's `severity` label. */
  public static readonly SEVERITY = 'severity';
  /** Any fact: troubleshooting commands for the report, one per line. */
  public static readonly TROUBLESHOOT = 'troubleshoot';

  private constructor() {}
}
