export {
  type OutboxServiceOptions,
  type RunningOutboxService,
  startOutboxService,
} from './outbox-service.js';
