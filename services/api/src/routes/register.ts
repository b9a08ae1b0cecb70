import { AppError, formatRegisterCsv, formatRegisterMarkdown } from '@alliage/domain';
import { generateProcessorRegister } from '@alliage/pool';
import { z } from 'zod';
import { defineRoute, textReply } from '../api-route.ts';

export const ZRegisterQuery = z
  .object({ format: z.enum(['json', 'markdown', 'csv']).default('json') })
  .strict();
export type TRegisterQuery = z.infer<typeof ZRegisterQuery>;

/**
 * `GET /v1/register`: the processor register (GDPR Art. 30(2)) generated now from
 * the control data and the running configuration, as JSON, Markdown or CSV.
 * Records `register.exported`.
 */
export const getRegisterRoute = defineRoute({
  operationId: 'getProcessorRegister',
  method: 'get',
  path: '/v1/register',
  summary: 'Export the processor register (GDPR Art. 30(2)) as JSON, Markdown or CSV',
  tag: 'register',
  failures: ['not_configured'],
  roles: ['operator', 'compliance'],
  query: ZRegisterQuery,
  produces: ['application/json', 'text/markdown', 'text/csv'],
  handler: async ({ ctx, auth, deps, query }) => {
    if (!deps.register) {
      throw new AppError('unavailable', 'the register settings are not loaded in this process');
    }
    const register = await generateProcessorRegister(ctx, auth.actor, {
      processor: deps.register.processor,
      transfersOutsideEu: deps.register.transfersOutsideEu,
      securityMeasures: deps.register.securityMeasures(),
      format: query.format,
    });
    const day = register.generatedAt.slice(0, 10);
    if (query.format === 'markdown') {
      return textReply(formatRegisterMarkdown(register), 'text/markdown; charset=utf-8', {
        'content-disposition': `attachment; filename="processor-register-${day}.md"`,
      });
    }
    if (query.format === 'csv') {
      return textReply(formatRegisterCsv(register), 'text/csv; charset=utf-8', {
        'content-disposition': `attachment; filename="processor-register-${day}.csv"`,
      });
    }
    return register;
  },
});

export const registerRoutes = [getRegisterRoute];
