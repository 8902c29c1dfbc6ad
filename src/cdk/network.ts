import { Annotations, Aspects, Stack } from 'aws-cdk-lib';
import { CfnVPCEndpoint, InterfaceVpcEndpoint, InterfaceVpcEndpointAwsService } from 'aws-cdk-lib/aws-ec2';
import type { IConnectable, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';

/** Acknowledge it with `Annotations.of(rotation).acknowledgeWarning(id)` when the route exists elsewhere. */
const NO_ROUTE_WARNING = 'rotation-kit:noRouteToSecretsManager';

/**
 * An interface endpoint for Secrets Manager in the function's subnets (one per AZ), with private
 * DNS so the SDK's default endpoint resolves to it, and open only to the function.
 */
function addSecretsManagerEndpoint(
  scope: IConstruct,
  vpc: IVpc,
  subnets: SubnetSelection | undefined,
  client: IConnectable,
): InterfaceVpcEndpoint {
  const endpoint = new InterfaceVpcEndpoint(scope, 'SecretsManagerEndpoint', {
    vpc,
    service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    subnets,
    privateDnsEnabled: true,
    open: false,
  });
  endpoint.connections.allowDefaultPortFrom(client, 'rotation-kit function to Secrets Manager');
  return endpoint;
}

/**
 * Warns at synth when every subnet the function runs in is isolated (no NAT, no internet gateway
 * route) and the stack has no Secrets Manager endpoint in that VPC: the function would time out on
 * its first call. Checked in an aspect, so an endpoint added after the construct still counts.
 */
function warnWithoutRouteToSecretsManager(
  construct: IConstruct,
  vpc: IVpc,
  subnets: SubnetSelection | undefined,
): void {
  Aspects.of(construct).add({
    visit(node) {
      if (node !== construct) return;
      const chosen = vpc.selectSubnets(subnets).subnets;
      const isolated = new Set(vpc.isolatedSubnets.map((subnet) => subnet.subnetId));
      if (chosen.length === 0 || !chosen.every((subnet) => isolated.has(subnet.subnetId))) return;
      if (hasSecretsManagerEndpoint(Stack.of(construct), vpc)) return;
      Annotations.of(construct).addWarningV2(
        NO_ROUTE_WARNING,
        'The rotation function runs in isolated subnets and the stack has no Secrets Manager endpoint ' +
          'in this VPC: its calls to Secrets Manager will time out. Set secretsManagerEndpoint: true ' +
          '(an interface endpoint), give it subnets with a NAT route, or pass the URL of an endpoint ' +
          'you have in secretsManagerEndpoint.',
      );
    },
  });
}

function hasSecretsManagerEndpoint(stack: Stack, vpc: IVpc): boolean {
  return stack.node.findAll().some(
    (node) =>
      node instanceof CfnVPCEndpoint &&
      node.vpcId === vpc.vpcId &&
      // Prefix, region and suffix are tokens; the service's name stays literal.
      (node.serviceName ?? '').includes('.secretsmanager'),
  );
}

export { NO_ROUTE_WARNING, addSecretsManagerEndpoint, warnWithoutRouteToSecretsManager };
