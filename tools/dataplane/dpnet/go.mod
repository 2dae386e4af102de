module cdk8s-egress.dev/dpnet

go 1.22
