// The seed's Istio sections expressed with cdk8s-egress. In your own project, import from
// 'cdk8s-egress' instead of '../../src'.
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AllowedExternalService, Destination, EgressBackend, EgressGateway, EgressPolicy, EgressSource, EgressWarnings, Port } from '../../src';

const backendPods = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });

/**
 * The seed's gateway pods are Istio's default egress gateway, in the root namespace `istio-system`,
 * where no per-workload access-log Telemetry applies (docs/seed.md).
 */
const ROOT_NAMESPACE_ACCESS_LOGS = 'the seed\'s gateway is Istio\'s default one in istio-system; its access logs come from mesh-wide meshConfig.accessLogFile';

/**
 * Seed section "Istio Egress Gateway": backend pods in `production` reach `api.external.com`
 * on 443 only through the `istio=egressgateway` pods in `istio-system`. One `addRoute()` emits the
 * seed's `egress-gateway` Gateway, `external-api` VirtualService and `external-api`
 * ServiceEntry.
 *
 * Differences from the seed's hand-written YAML, on purpose (see docs/istio.md):
 * - Sidecar-to-gateway traffic is wrapped in Istio mTLS (`ISTIO_MUTUAL`, with a gateway subset
 *   DestinationRule whose SNI is the host) instead of passing through in clear TLS, so the
 *   gateway knows which namespace sent each connection; the gateway leg is then a `tcp` route.
 *   `mtls: false` reproduces the seed's PASSTHROUGH servers and `tls` routes exactly.
 * - The VirtualService names the Gateway with its namespace (`istio-system/egress-gateway`); the
 *   seed's bare `egress-gateway` resolves in the VirtualService's own namespace.
 * - VirtualService and ServiceEntry live in the gateway namespace and are exported only there
 *   and to `production`; the Gateway server accepts routes only from its own namespace
 *   (`./api.external.com`).
 * - Added: an ALLOW AuthorizationPolicy on the gateway (only `production` may use this route),
 *   and NetworkPolicies that keep the backend pods from skipping the gateway (DNS, istiod and the
 *   gateway pods only) and the gateway pods to api.external.com:443 (a CiliumNetworkPolicy:
 *   plain NetworkPolicy cannot match hostnames).
 */
export class IstioEgressGatewaySection extends Chart {
  /** The egress gateway. */
  public readonly gateway: EgressGateway;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.gateway = new EgressGateway(this, 'egress-gateway', {
      name: 'egress-gateway',
      gatewayBackends: [EgressBackend.cilium()],
      // The egress audit log the seed's best practices ask for: the gateway runs in Istio's root
      // namespace, where Istio ignores a workload-scoped Telemetry, so the routed sidecars log
      // every attempt the mesh blocks or passes through instead.
      logBlockedSourceAttempts: true,
    });
    // Pods of `production` that may carry app=backend reach partner ranges directly (the backend
    // pods 203.0.113.0/24, the ledger and legacy-sync pods theirs); api.external.com is in none of
    // them, so those allowances open no way around the gateway.
    EgressWarnings.acknowledge(this.gateway, 'cdk8s-egress:gatewayBypass',
      'the direct allowances are partner ranges (203.0.113.0/24, 198.51.100.0/24, 192.0.2.0/24), none of which holds api.external.com');
    this.gateway.addRoute('external-api', {
      name: 'external-api',
      source: backendPods(),
      destinations: [Destination.fqdn('api.external.com')],
      ports: [Port.HTTPS],
    });
    EgressWarnings.acknowledge(this.gateway, 'cdk8s-egress:istioGatewayAccessLogRootNamespace', ROOT_NAMESPACE_ACCESS_LOGS);
  }
}

/**
 * Seed section "外部服务访问控制" (external service access control): the `allowed-external`
 * allow-list and the `deny-external` AuthorizationPolicy.
 *
 * Differences from the seed, on purpose:
 * - The seed declares `*.googleapis.com` and `api.github.com` in one ServiceEntry with
 *   `resolution: DNS`. DNS resolution needs concrete hostnames: a wildcard host cannot be
 *   resolved, and Istio documents that wildcard ServiceEntries must use NONE. The backend emits
 *   `allowed-external-hosts-https-443` (api.github.com, DNS) and
 *   `allowed-external-patterns-https-443` (*.googleapis.com, NONE).
 * - `*.googleapis.com` is written `Destination.anySubdomainOf('googleapis.com')`: Istio matches a
 *   `*.` host as a suffix, at any depth (`a.b.googleapis.com` too). `Destination.fqdnPattern()`
 *   means exactly one label, which Istio cannot express, so the Istio backend refuses it.
 * - The ServiceEntries are namespaced in `production` and exported only there, and a Sidecar
 *   switches `production` to REGISTRY_ONLY: without it (Istio's default ALLOW_ANY) a ServiceEntry
 *   allow-list blocks nothing.
 * - The seed's DENY rule matches `hosts`, an HTTP-only field: on the gateway's TLS listeners
 *   Istio would turn it into "deny every connection". The emitted DENY policy pins each rule to
 *   its listener port and matches the SNI on the TLS listener.
 */
export class IstioExternalServicesSection extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The allow-list, enforced in both layers: the sidecars (ServiceEntries + REGISTRY_ONLY) and
    // the network plugin (a CiliumNetworkPolicy with toFQDNs). Under the namespace's default-deny
    // NetworkPolicy, a ServiceEntry alone would be dropped at the network layer.
    new AllowedExternalService(this, 'allowed-external', {
      name: 'allowed-external',
      source: EgressSource.namespace('production'),
      destinations: [Destination.anySubdomainOf('googleapis.com'), Destination.fqdn('api.github.com')],
      ports: [Port.HTTPS],
      backends: [EgressBackend.istio(), EgressBackend.cilium()],
    });

    // REGISTRY_ONLY holds every sidecar of `production`, so the backend pods' allowance to the
    // partner range (the NetworkPolicy section) is declared to the mesh too; the other sections
    // do the same with AllowedExternalService and both backends.
    new EgressPolicy(this, 'backend-partner-range', {
      name: 'backend-partner-range',
      backends: [EgressBackend.istio()],
      source: backendPods(),
      // Istio sidecars do not intercept DNS; DNS stays with the NetworkPolicy baseline.
      dns: [],
    }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);

    // The sidecars of `production` must keep reaching istiod under the default deny.
    new EgressPolicy(this, 'istiod', {
      name: 'allow-istiod',
      source: EgressSource.namespace('production'),
      dns: [],
    }).allow(Destination.pods({ namespace: 'istio-system', labels: { app: 'istiod' } }), Port.tcp(15012));

    // The deny list belongs to the same gateway pods (istio=egressgateway in istio-system).
    const denyGateway = new EgressGateway(this, 'egress-gateway', {
      name: 'egress-gateway',
      denyPolicyName: 'deny-external',
      gatewayBackends: [EgressBackend.cilium()],
    });
    denyGateway.denyHosts(['*.example.com']);
    EgressWarnings.acknowledge(denyGateway, 'cdk8s-egress:istioGatewayAccessLogRootNamespace', ROOT_NAMESPACE_ACCESS_LOGS);
  }
}
