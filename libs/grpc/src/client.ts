import { type CallOptions, type Client, Metadata, type ServiceError } from '@grpc/grpc-js';

/** The callback form of a ts-proto generated client's unary method (its widest overload). */
export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/** Promise form of a generated client's unary call: `callUnary(client, client.getCampaign, md, req)`. */
export function callUnary<Req, Res>(
  client: Client,
  method: UnaryMethod<Req, Res>,
  metadata: Metadata,
  request: Req,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, {}, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

/** Metadata carrying a space's API key the way the servers read it. */
export function apiKeyMetadata(apiKey: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${apiKey}`);
  return metadata;
}
