// The public factory of egress gateway providers (the contract is in provider.ts, aws-cdk's
// IPeer/Peer split: the implementations import the contract, the factory imports them).
import { IstioEgressGatewayOptions } from './istio/options';
import { IstioEgressGatewayProvider } from './istio/provider';
import { IEgressGatewayProvider } from './provider';
import { registerFactories } from '../util/show';

/**
 * The data plane behind an `EgressGateway`. Istio is the one provider today.
 *
 * @example
 * EgressGatewayProvider.istio({ namespace: 'istio-egress', selector: { istio: 'egressgateway' } });
 */
export class EgressGatewayProvider {
  /** An Istio egress gateway. */
  public static istio(options: IstioEgressGatewayOptions = {}): IEgressGatewayProvider {
    return IstioEgressGatewayProvider._of(options);
  }

  private constructor() {}
}

registerFactories(EgressGatewayProvider, 'EgressGatewayProvider');
