import type { CliCommand } from '../command';

export const queryCommand: CliCommand = {
  summary: '(not implemented yet)',
  async run(_args, io) {
    io.err('floe query: not implemented yet\n');
    return 2;
  },
};
