import { type ChannelCredentials, credentials, ServerCredentials } from '@grpc/grpc-js';
import { clientTlsEnv, type Env, loadConfig, type PemText } from '@prism/config';
import { z } from 'zod';

/** A server's certificate (chain) and private key, as PEM text. */
export interface ServerTls {
  cert: PemText;
  key: PemText;
}

/** The TLS variables of commonEnv (@prism/config), already read: each file's PEM text. */
export interface TlsConfig {
  PRISM_TLS_CERT_FILE?: PemText | undefined;
  PRISM_TLS_KEY_FILE?: PemText | undefined;
  PRISM_TLS_CA_FILE?: PemText | undefined;
}

/** The certificate and key a service serves with, when both are configured; plaintext otherwise. */
export function serverTls(config: TlsConfig): ServerTls | undefined {
  const { PRISM_TLS_CERT_FILE: cert, PRISM_TLS_KEY_FILE: key } = config;
  return cert && key ? { cert, key } : undefined;
}

export function serverCredentials(tls: ServerTls | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  // No client certificates: callers prove who they are with API keys, as over plaintext.
  return ServerCredentials.createSsl(
    null,
    [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }],
    false,
  );
}

/**
 * Credentials of every call to a Prism service: TLS trusting PRISM_TLS_CA_FILE's certificates when
 * it is configured, plaintext otherwise (the local default).
 */
export function channelCredentials(config: Pick<TlsConfig, 'PRISM_TLS_CA_FILE'>): ChannelCredentials {
  const ca = config.PRISM_TLS_CA_FILE;
  return ca ? credentials.createSsl(Buffer.from(ca)) : credentials.createInsecure();
}

/** `channelCredentials` from the environment, for command lines and scripts that have no service config. */
export function channelCredentialsFromEnv(env: Env = process.env): ChannelCredentials {
  return channelCredentials(loadConfig(z.object(clientTlsEnv), env));
}
