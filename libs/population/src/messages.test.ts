import { describe, expect, it } from 'vitest';
import { messagesOf, type SegmentMessage } from './messages.js';
import { generatePopulation, type Person } from './population.js';

const now = new Date('2025-06-01T00:00:00Z');
const historyDays = 30;
const people = [...generatePopulation({ seed: 5, size: 300, now, historyDays })];
const batches = people.map((person) => ({ person, messages: messagesOf(person, { now }) }));
const allMessages = batches.flatMap(({ messages }) => messages);

describe('messagesOf', () => {
  it('writes messages of Segment spec: ids, names and timestamps in the history window', () => {
    const windowStart = now.getTime() - historyDays * 86_400_000;
    for (const message of allMessages) {
      expect(message.messageId).not.toBe('');
      expect(message.userId ?? message.anonymousId).toBeTruthy();
      expect(['identify', 'track', 'page']).toContain(message.type);
      if (message.type === 'track') expect(message.event).toBeTruthy();
      if (message.type === 'page') expect(message.name).toBeTruthy();
      if (message.type === 'identify') expect(message.traits).toBeTypeOf('object');
      const time = Date.parse(message.timestamp);
      expect(new Date(time).toISOString()).toBe(message.timestamp);
      expect(time).toBeGreaterThanOrEqual(windowStart);
      expect(time).toBeLessThanOrEqual(now.getTime());
      expect(message.sentAt).toBe(now.toISOString());
    }
  });

  it('writes plain JSON with message ids unique across the population', () => {
    expect(JSON.parse(JSON.stringify(allMessages))).toEqual(allMessages);
    expect(new Set(allMessages.map((message) => message.messageId)).size).toBe(allMessages.length);
  });

  it('gives one message per event and one identify per person', () => {
    for (const { person, messages } of batches) {
      expect(messages.length).toBe(person.events.length + 1);
      expect(messages.filter((message) => message.type === 'identify')).toHaveLength(1);
    }
  });

  it('keeps the first visit anonymous until the person signs in, then identifies them with their traits', () => {
    for (const { person, messages } of batches) {
      const identify = messages.findIndex((message) => message.type === 'identify');
      const identified = messages.slice(identify);
      expect(messages.slice(0, identify).every((message) => message.userId === undefined)).toBe(true);
      expect(identified.every((message) => message.userId === person.id)).toBe(true);
      expect(messages.every((message) => message.anonymousId === person.identifiers.anonymousId)).toBe(true);
      expect(messages[identify + 1]?.event).toBe('Signed In');
      expect(messages[identify]?.traits).toMatchObject(person.traits);
      expect(messages[identify]?.traits?.email).toBe(person.identifiers.email);
    }
  });

  it('carries the email in context.traits of identified messages', () => {
    const withEmail = batches.find(({ person }) => person.identifiers.email !== undefined) as {
      person: Person;
      messages: SegmentMessage[];
    };
    const identified = withEmail.messages.filter((message) => message.userId !== undefined);
    for (const message of identified) {
      expect(message.context.traits).toEqual({ email: withEmail.person.identifiers.email });
    }
  });

  it('describes orders as the e-commerce spec does', () => {
    const order = allMessages.find((message) => message.event === 'Order Completed');
    expect(order?.properties).toMatchObject({
      order_id: expect.any(String),
      total: expect.any(Number),
      currency: expect.stringMatching(/^[A-Z]{3}$/),
      products: expect.arrayContaining([
        expect.objectContaining({
          product_id: expect.any(String),
          price: expect.any(Number),
          quantity: expect.any(Number),
        }),
      ]),
    });
  });
});
