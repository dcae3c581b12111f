// Container health check (docker-compose.yml): exits 0 when the gRPC server at the address given
// answers the standard health check for the whole server ('') with SERVING, 1 otherwise.
//   node deploy/healthcheck.mjs 127.0.0.1:50051
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

const TIMEOUT_MS = 2000;

const address = process.argv[2];
if (!address) {
  console.error('usage: node deploy/healthcheck.mjs <host:port>');
  process.exit(2);
}
const { grpc } = loadPackageDefinition(loadSync(protoPath, { enums: String }));
const client = new grpc.health.v1.Health(address, credentials.createInsecure());
client.check({ service: '' }, { deadline: Date.now() + TIMEOUT_MS }, (error, reply) => {
  if (error) console.error(`${address}: ${error.message}`);
  else if (reply.status !== 'SERVING') console.error(`${address}: ${reply.status}`);
  process.exit(!error && reply.status === 'SERVING' ? 0 : 1);
});
