import { startWebhookReceiver, type WebhookReceiver } from '@prism/audience-sync/testing/webhook-receiver.js';
import { apiKeyMetadata, callUnary, channelCredentialsFromEnv } from '@prism/grpc';
import { DestinationServiceClient } from '@prism/proto/prism/audience/v1/destinations';
import { say } from './say.js';

const DESTINATION_NAME = 'Demo webhook receiver';
/** Deliveries printed one per line; after these, a count every SUMMARY_MS. */
const SHOWN_ONE_BY_ONE = 10;
const SUMMARY_MS = 10_000;

interface Delivered {
  type: string;
  data: { audienceKey: string; identifiers: { type: string; value: string }[]; cause?: { kind: string } };
}

/**
 * A webhook destination of a demo audience pointing at a receiver on loopback that checks each
 * delivery's Standard Webhooks signature and prints it. The destination is created once; a later
 * `npm start` rotates its secret (Prism signs with both while the old one lasts).
 */
export async function startDemoWebhook(
  address: string,
  apiKey: string,
  audienceKey: string,
  port: number,
): Promise<WebhookReceiver> {
  const url = `http://127.0.0.1:${port}/webhooks`;
  const secret = await destinationSecret(address, apiKey, audienceKey, url);
  const printer = deliveryPrinter();
  const receiver = await startWebhookReceiver({ secret, port, onDelivery: ({ body }) => printer.add(body) });
  say(`webhook receiver on ${url} verifies and prints deliveries of audience "${audienceKey}"`);
  return receiver;
}

async function destinationSecret(address: string, apiKey: string, audienceKey: string, url: string) {
  const client = new DestinationServiceClient(address, channelCredentialsFromEnv());
  const metadata = apiKeyMetadata(apiKey);
  try {
    const { destinations } = await callUnary(client, client.listDestinations, metadata, {
      audience: audienceKey,
    });
    const existing = destinations.find((found) => found.spec?.name === DESTINATION_NAME);
    if (existing) {
      const rotated = await callUnary(client, client.rotateWebhookSecret, metadata, {
        destinationId: existing.id,
        graceSeconds: 0,
      });
      return rotated.webhookSecret;
    }
    const created = await callUnary(client, client.createDestination, metadata, {
      spec: {
        name: DESTINATION_NAME,
        source: { $case: 'audience', value: audienceKey },
        settings: { $case: 'webhook', value: { url } },
        rateLimitPerSecond: 0,
      },
    });
    return created.webhookSecret;
  } finally {
    client.close();
  }
}

/** One line per delivery for the first few, then how many more arrived, so the terminal stays readable. */
function deliveryPrinter() {
  let shown = 0;
  const pending = { entered: 0, exited: 0 };
  const timer = setInterval(() => {
    if (pending.entered + pending.exited === 0) return;
    say(`webhook: ${pending.entered} more entered, ${pending.exited} more exited (signatures verified)`);
    pending.entered = 0;
    pending.exited = 0;
  }, SUMMARY_MS);
  timer.unref();
  return {
    add(body: unknown) {
      const event = body as Delivered;
      const change = event.type === 'prism.audience.exited' ? 'exited' : 'entered';
      if (shown++ < SHOWN_ONE_BY_ONE) {
        const who = event.data.identifiers.map((id) => `${id.type}:${id.value}`).join(' ');
        const cause = event.data.cause?.kind ? ` (${event.data.cause.kind})` : '';
        say(`webhook ✓ ${change} ${event.data.audienceKey} ${who}${cause}, signature verified`);
      } else pending[change] += 1;
    },
  };
}
