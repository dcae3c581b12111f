import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * docker-compose.yml runs the whole system: a container for every folder in services/, each
 * running that service and publishing the ports the README documents for it.
 */

const root = new URL('../', import.meta.url);
const INFRASTRUCTURE = ['nats', 'mongo'];

interface ComposeService {
  environment?: Record<string, unknown>;
  ports?: (string | number | { target: number; published?: string | number })[];
}

const compose: { services: Record<string, ComposeService> } = parse(
  readFileSync(new URL('docker-compose.yml', root), 'utf8'),
  { merge: true },
);
const serviceFolders = readdirSync(new URL('services/', root), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const composeServices = Object.keys(compose.services)
  .filter((name) => !INFRASTRUCTURE.includes(name))
  .sort();

/** "host:container" pairs of a compose `ports` list, in its short or long syntax. */
function publishedPorts(service: ComposeService): string[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return `${port.published ?? port.target}:${port.target}`;
    // "[ip:]host:container[/protocol]"; a bare port publishes itself.
    const [container, host = container] = String(port)
      .replace(/\/\w+$/, '')
      .split(':')
      .reverse();
    return `${host}:${container}`;
  });
}

/** The README's "## Ports" table: the first word of each row names the service, then its default ports. */
function readmePorts(): Map<string, number[]> {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Ports\n'));
  if (!section) throw new Error('README.md has no "## Ports" section');
  const ports = new Map<string, number[]>();
  for (const line of section.split('\n').filter((row) => row.startsWith('|'))) {
    const [what = '', defaults = ''] = line
      .split('|')
      .slice(1, 3)
      .map((cell) => cell.trim());
    const name = what.split(/\s+/)[0] ?? '';
    const numbers = defaults.match(/\d+/g);
    if (numbers) ports.set(name, [...(ports.get(name) ?? []), ...numbers.map(Number)]);
  }
  return ports;
}

describe('docker-compose.yml', () => {
  it('has a compose service for every service folder', () => {
    expect(serviceFolders.filter((folder) => !composeServices.includes(folder))).toEqual([]);
  });

  it('has a service folder for every compose service but the infrastructure', () => {
    expect(composeServices.filter((name) => !serviceFolders.includes(name))).toEqual([]);
  });

  it("runs each folder's own service in its container", () => {
    for (const name of composeServices) expect(compose.services[name]?.environment?.SERVICE, name).toBe(name);
  });

  it('publishes for each service the ports the README lists for it', () => {
    const documented = readmePorts();
    for (const name of serviceFolders) {
      const ports = documented.get(name);
      expect(ports, `README.md "## Ports" has no row for ${name}`).toBeDefined();
      const published = publishedPorts(compose.services[name] ?? {});
      expect(published.sort(), name).toEqual((ports ?? []).map((port) => `${port}:${port}`).sort());
    }
  });
});
