import type { CliCommand } from '../command';

export const materializeCommand: CliCommand = {
  summary: '(not implemented yet)',
  async run(_args, io) {
    io.err('floe materialize: not implemented yet\n');
    return 2;
  },
};
