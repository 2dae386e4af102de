import { Lib, loadedBy } from '../support/lazy-loading';

describe('FixedEgressIpProvider factories load their provider module lazily', () => {
  afterEach(() => jest.resetModules());

  test.each([
    ['cilium', (lib: Lib) => lib.FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' } }), ['ciliumFixedIp', 'imports/cilium.io']],
    ['calico', (lib: Lib) => lib.FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24' }), ['calicoFixedIp', 'imports/projectcalico.org']],
    ['alibabaEip', (lib: Lib) => lib.FixedEgressIpProvider.alibabaEip(), ['alibabaEip']],
    ['alibabaPodNetworking', (lib: Lib) => lib.FixedEgressIpProvider.alibabaPodNetworking({ vSwitchIds: ['vsw-1'], securityGroupIds: ['sg-1'] }),
      ['alibabaPodNetworking', 'imports/network.alibabacloud.com']],
  ])('FixedEgressIpProvider.%s() loads its own provider module only', (_name, factory, expected) => {
    expect(loadedBy(factory).sort()).toEqual([...expected].sort());
  });
});
