import type { CliCommand } from '../command';

export const tableCommand: CliCommand = {
  summary: '(not implemented yet)',
  async run(_args, io) {
    io.err('floe table: not implemented yet\n');
    return 2;
  },
};
