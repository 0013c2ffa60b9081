import type { CliCommand } from '../command';

export const writeCommand: CliCommand = {
  summary: '(not implemented yet)',
  async run(_args, io) {
    io.err('floe write: not implemented yet\n');
    return 2;
  },
};
