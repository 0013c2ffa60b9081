import type { CliCommand } from '../command';

export const checkCommand: CliCommand = {
  summary: '(not implemented yet)',
  async run(_args, io) {
    io.err('floe check: not implemented yet\n');
    return 2;
  },
};
