import { handle } from '@fnproject/fdk';
import { handleAlarm, type FunctionContext } from './handle-alarm';

/** The subset of the fdk's Context this entry reads. */
interface FdkContext {
  config: Record<string, string | undefined>;
  deadline: Date | null;
  getHeader(key: string): string | null;
}

/**
 * OCI Functions entry (fdk, http-stream). The body arrives as text so the
 * alarm source reports bad JSON itself; the answer is always JSON.
 */
handle(
  async (input: unknown, fdkCtx: FdkContext) => {
    const messageId = fdkCtx.getHeader('X-Oci-Ns-Messageid') ?? fdkCtx.getHeader('Fn-Http-H-X-Oci-Ns-Messageid');
    const ctx: FunctionContext = { config: fdkCtx.config, deadline: fdkCtx.deadline, ...(messageId ? { messageId } : {}) };
    return handleAlarm(input, ctx);
  },
  { inputMode: 'string' },
);
