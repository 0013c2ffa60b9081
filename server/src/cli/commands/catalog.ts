import type { CliCommand } from '../command';

export const catalogCommand: CliCommand = {
  summary: '(not implemented yet)',
  async run(_args, io) {
    io.err('floe catalog: not implemented yet\n');
    return 2;
  },
};
