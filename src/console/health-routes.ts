import type { FastifyInstance } from 'fastify';
import type { ConsoleContext } from './console-context';

/** The two paths a monitor reads without signing in; nothing else is public but /login and static assets. */
export const MONITORING_PATHS: ReadonlySet<string> = new Set(['/healthz', '/metrics']);

/** `/healthz` for a load balancer or container health check, `/metrics` for Prometheus. */
export function healthRoutes(app: FastifyInstance, context: ConsoleContext): void {
  app.get('/healthz', async (_request, reply) => {
    const report = context.health();
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });

  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await context.metrics();
    return reply.type(contentType).send(body);
  });
}
