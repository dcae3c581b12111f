import {
  credentials,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  type ServiceDefinition,
} from '@grpc/grpc-js';

/**
 * The Profile API benchmark's peer: a grpc-js server that answers each call with its request
 * bytes and does nothing else. Driven by the same load generator over the same channels, it is
 * the floor that grpc-js, Node and this machine set for the open-loop latencies.
 */
const bytes = (buffer: Buffer) => buffer;
const echoService = {
  echo: {
    path: '/prism.bench.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes,
    requestDeserialize: bytes,
    responseSerialize: bytes,
    responseDeserialize: bytes,
  },
} satisfies ServiceDefinition;

/** About the size of a GetProfile reply of the benchmark's population. */
const PAYLOAD = Buffer.alloc(1024, 7);

export async function startEchoServer(): Promise<{ address: string; stop(): Promise<void> }> {
  const server = new Server();
  server.addService(echoService, {
    echo: (call: { request: Buffer }, done: (error: null, reply: Buffer) => void) => done(null, call.request),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

interface EchoClient {
  echo(request: Buffer, done: (error: Error | null) => void): void;
  close(): void;
}

/** `channels` clients of the echo server; `call(i)` uses channel i mod `channels`. */
export function echoCaller(address: string, channels: number) {
  const Client = makeGenericClientConstructor(echoService, 'Echo');
  const clients = Array.from(
    { length: channels },
    () =>
      new Client(address, credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1,
      }) as unknown as EchoClient,
  );
  return {
    call: (index: number) =>
      new Promise<void>((resolve, reject) =>
        (clients[index % channels] as EchoClient).echo(PAYLOAD, (error) =>
          error ? reject(error) : resolve(),
        ),
      ),
    close: () => {
      for (const client of clients) client.close();
    },
  };
}
