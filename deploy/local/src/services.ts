/** The services `npm start` runs, with their default ports (README: "Ports"). */
export interface ServiceProcess {
  name: string;
  entry: string;
  portVariable: string;
  port: number;
}

export const services: ServiceProcess[] = [
  {
    name: 'strategy',
    entry: 'services/strategy/src/main.ts',
    portVariable: 'STRATEGY_GRPC_PORT',
    port: 50051,
  },
  {
    name: 'persona',
    entry: 'services/persona/src/main.ts',
    portVariable: 'PERSONA_GRPC_PORT',
    port: 50052,
  },
];
