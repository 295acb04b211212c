import {
  commandArgs,
  isCommandName,
  type CommandName,
  type CommandResult,
  type EventPayloads,
  type ParsedArgs,
} from '../../shared/contract';
import { ConductorError, err, ok, type Result } from '../../shared/result';
import { issuesOf } from '../../shared/validation';
import { Emitter } from '../common/emitter';

/** Which binding a call came through; handlers may log it, never branch on it. */
export interface CallerInfo {
  binding: 'ipc' | 'ws' | 'http' | 'internal';
  /** Aborted when the caller goes away (HTTP client closed, WebSocket closed): its work is cancelled. */
  signal?: AbortSignal;
}

export type CommandHandlers = {
  [C in CommandName]: (args: ParsedArgs<C>, caller: CallerInfo) => Promise<CommandResult<C>> | CommandResult<C>;
};

/** The events main publishes to every binding. */
export class EventHub extends Emitter<EventPayloads> {}

export interface DispatcherLog {
  error(message: string, ...rest: unknown[]): void;
}

/**
 * The one place a command is validated and handled. Every binding (IPC, WebSocket, HTTP) calls
 * `dispatch`, so the three answer the same thing for the same input.
 */
export class CommandDispatcher {
  constructor(
    private readonly handlers: CommandHandlers,
    private readonly log: DispatcherLog,
  ) {}

  /** Validates a command's arguments: the parsed args (defaults filled), or E_BAD_REQUEST naming the field. */
  parse<C extends CommandName>(command: C, args: unknown): Result<ParsedArgs<C>> {
    const parsed = commandArgs[command].safeParse(args === undefined ? {} : args, { reportInput: true });
    if (parsed.success) return ok(parsed.data as ParsedArgs<C>);
    const issues = issuesOf(parsed.error);
    const first = issues[0]!;
    return err('E_BAD_REQUEST', `${command}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, {
      field: first.field,
      issues,
    });
  }

  async dispatch(command: unknown, args: unknown, caller: CallerInfo): Promise<Result<unknown>> {
    if (!isCommandName(command)) {
      return err('E_NOT_FOUND', `no such command: ${typeof command === 'string' ? command : typeof command}`, {
        field: 'command',
      });
    }
    const parsed = this.parse(command, args);
    if (!parsed.ok) return parsed;
    try {
      const handler = this.handlers[command] as (a: unknown, c: CallerInfo) => unknown;
      return ok(await handler(parsed.value, caller));
    } catch (error) {
      if (error instanceof ConductorError) return { ok: false, error: error.toInfo() };
      this.log.error(`command ${command} failed`, error);
      return err('E_INTERNAL', `internal error in ${command}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
