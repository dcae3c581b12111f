import { connect } from 'node:net';

/** A port a service listens on, set through its environment variable (README: "Ports"). */
export interface ServicePort {
  variable: string;
  port: number;
  protocol: 'gRPC' | 'HTTP';
}

/** The services `npm start` runs; each one's first port is its gRPC port. */
export interface ServiceProcess {
  name: string;
  entry: string;
  ports: [ServicePort, ...ServicePort[]];
}

export const services: ServiceProcess[] = [
  {
    name: 'strategy',
    entry: 'services/strategy/src/main.ts',
    ports: [{ variable: 'STRATEGY_GRPC_PORT', port: 50051, protocol: 'gRPC' }],
  },
  {
    name: 'persona',
    entry: 'services/persona/src/main.ts',
    ports: [{ variable: 'PERSONA_GRPC_PORT', port: 50052, protocol: 'gRPC' }],
  },
  {
    name: 'segment-generation',
    entry: 'services/segment-generation/src/main.ts',
    ports: [{ variable: 'SEGMENTS_GRPC_PORT', port: 50053, protocol: 'gRPC' }],
  },
  {
    name: 'profile',
    entry: 'services/profile/src/main.ts',
    ports: [
      { variable: 'PROFILE_GRPC_PORT', port: 50054, protocol: 'gRPC' },
      // The Segment-compatible Tracking API, for SDKs and the demo profile load.
      { variable: 'PROFILE_HTTP_PORT', port: 8088, protocol: 'HTTP' },
    ],
  },
  {
    name: 'audience-sync',
    entry: 'services/audience-sync/src/main.ts',
    ports: [{ variable: 'AUDIENCE_GRPC_PORT', port: 50055, protocol: 'gRPC' }],
  },
];

/** `127.0.0.1:<gRPC port>` of the named service. */
export function grpcAddress(name: string): string {
  const service = services.find((s) => s.name === name);
  if (!service) throw new Error(`no service ${name}`);
  return `127.0.0.1:${service.ports[0].port}`;
}

/** The port set through `variable` (e.g. PROFILE_HTTP_PORT). */
export function portOf(variable: string): number {
  const port = services.flatMap((s) => s.ports).find((p) => p.variable === variable);
  if (!port) throw new Error(`no port ${variable}`);
  return port.port;
}

/** The service ports something already listens on (another `npm start`, say): ours would fail. */
export async function portsInUse(): Promise<string[]> {
  const all = services.flatMap((s) =>
    s.ports.map((p) => ({ name: `${s.name} ${p.protocol}`, port: p.port })),
  );
  const taken = await Promise.all(all.map(({ port }) => listening(port)));
  return all.filter((_, i) => taken[i]).map(({ name, port }) => `${port} (${name})`);
}

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => done(socket.end() !== undefined));
    socket.once('error', () => done(false));
  });
}
